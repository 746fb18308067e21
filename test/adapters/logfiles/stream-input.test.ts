/**
 * A stream source let go between reads and taken up again (stream-input.ts): the bytes handed on are the file's, in
 * order, once; its own bytes are reported once; first openings wait for one of a few slots; stdin is never let go.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { LogSource } from '../../../src/adapters/logfiles/sources.js';
import {
  PROBE_CHUNK_BYTES,
  PROBES_AT_ONCE,
  StreamInput,
  streamsOpenInThread,
} from '../../../src/adapters/logfiles/stream-input.js';

const dir = mkdtempSync(join(tmpdir(), 'wbguard-stream-input-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Text with some randomness, so that it does not inflate from a few bytes: several raw chunks of 16 KiB.
const text = Buffer.from(
  Array.from({ length: 6_000 }, (_, i) => `line ${i} ${randomBytes(12).toString('hex')}`).join('\n'),
  'latin1',
);
const compressed = gzipSync(text);
const path = join(dir, 'piece.log.gz');
writeFileSync(path, compressed);
const source: LogSource = { kind: 'gzip', path, mtimeMs: 0, size: compressed.length };

test('let go after any chunk (part of it unused) and taken up again: the same bytes in order, raw bytes once', async () => {
  for (const releaseEvery of [1, 2, 5]) {
    let raw = 0;
    const input = new StreamInput(source, { chunkBytes: 16 << 10, onRaw: (n) => (raw += n) });
    const out: Buffer[] = [];
    for (let k = 1; ; k++) {
      const chunk = await input.next();
      if (!chunk) {
        break;
      }
      if (k % releaseEvery === 0) {
        // Take only the first 1,000 bytes of this chunk: the rest comes again after the stream is opened again.
        const used = Math.min(1_000, chunk.length);
        out.push(chunk.subarray(0, used));
        input.release(chunk.length - used);
        assert.equal(streamsOpenInThread().now, 0, 'nothing open once let go');
      } else {
        out.push(Buffer.from(chunk));
      }
    }
    input.close();
    assert.ok(Buffer.concat(out).equals(text), `released every ${releaseEvery} chunk(s)`);
    assert.equal(raw, compressed.length, `raw bytes reported once, released every ${releaseEvery}`);
  }
});

test('first openings of streams to be let go wait for one of a few slots; stdin is never let go', async () => {
  streamsOpenInThread();
  const inputs = Array.from(
    { length: PROBES_AT_ONCE * 3 },
    () => new StreamInput(source, { chunkBytes: 16 << 10, onRaw: () => {}, probe: true }),
  );
  // Every first chunk asked for at once, each let go as it comes (as analyze's merge does with first batches).
  await Promise.all(
    inputs.map(async (input) => {
      const chunk = await input.next();
      assert.ok(chunk && chunk.length > 0);
      input.release(chunk.length);
    }),
  );
  const counts = streamsOpenInThread();
  assert.equal(counts.now, 0);
  assert.ok(counts.most <= PROBES_AT_ONCE, `${counts.most} open at once`);
  // Taken up again (the merge reached them): not limited, whatever their number.
  for (const input of inputs) {
    assert.ok(await input.next());
  }
  assert.equal(streamsOpenInThread().now, inputs.length);
  for (const input of inputs) {
    input.close();
  }
  assert.equal(streamsOpenInThread().now, 0);

  const stdin = new PassThrough();
  const fromStdin = new StreamInput(
    { kind: 'stdin', path: '-', mtimeMs: 0, size: 0 },
    {
      chunkBytes: 16 << 10,
      onRaw: () => {},
      stdin,
      probe: true,
    },
  );
  assert.equal(fromStdin.releasable, false);
  stdin.end('one line\n');
  const first = await fromStdin.next();
  fromStdin.release(0);
  assert.equal(first?.toString(), 'one line\n');
  assert.equal(await fromStdin.next(), undefined, 'read on, not from the start');
  fromStdin.close();
});

test('probed for its first batch a stream inflates small chunks, and its own size once taken up again', async () => {
  assert.ok(text.length > 3 * PROBE_CHUNK_BYTES);
  const input = new StreamInput(source, {
    chunkBytes: 2 * PROBE_CHUNK_BYTES,
    probeChunkBytes: PROBE_CHUNK_BYTES,
    onRaw: () => {},
    probe: true,
  });
  const first = await input.next();
  assert.ok(first && first.length <= PROBE_CHUNK_BYTES, `first chunk of ${first?.length} bytes`);
  const out = [Buffer.from(first.subarray(0, 100))];
  input.release(first.length - 100);
  const lengths: number[] = [];
  for (let chunk = await input.next(); chunk; chunk = await input.next()) {
    lengths.push(chunk.length);
    out.push(Buffer.from(chunk));
  }
  input.close();
  assert.ok(Math.max(...lengths) > PROBE_CHUNK_BYTES, `later chunks of ${lengths.join(', ')} bytes`);
  assert.ok(Buffer.concat(out).equals(text));
});

test('a file replaced while let go (rotated meanwhile) is refused by name when taken up again', async () => {
  const rotating = join(dir, 'rotating.log.gz');
  writeFileSync(rotating, compressed);
  const input = new StreamInput(
    { kind: 'gzip', path: rotating, mtimeMs: 0, size: compressed.length },
    { chunkBytes: 16 << 10, onRaw: () => {} },
  );
  const first = await input.next();
  assert.ok(first);
  input.release(0);
  renameSync(rotating, `${rotating}.old`);
  writeFileSync(rotating, gzipSync('another file\n'));
  await assert.rejects(input.next(), /rotating\.log\.gz was replaced while it was being read/);
  input.close();
  assert.equal(streamsOpenInThread().now, 0);
});
