/**
 * Load generator for the ingest benchmark, run as its own process: sends COUNT syslog messages over one TCP
 * connection to 127.0.0.1, octet-counted (RFC 6587), as fast as the receiver takes them. The frames are rendered
 * once into a block of BLOCK frames; the block is then written again and again in large writes, so the sender costs
 * next to nothing per message and the receiver is what is measured. Only the Stats lines' `c:` counter (ten
 * digits, zero-padded, so the frame keeps its length) and their stamp's clock are rewritten in each copy of the
 * block: every Stats record is distinct (a store that ignores duplicates counts them all) and later than the one
 * before, as in a live stream.
 *
 * MIX is the share of Web Bridge Stats lines (0.01: a CMS day; 1: the worst case for the store); the other lines
 * are ordinary CMS chatter. When done it prints one JSON line: frames, bytes, the instant it connected (epoch ms,
 * sub-millisecond: `startedAt`), seconds until its last write was handed to the kernel, frames per second.
 * WARN (default 0) is the share of the chatter lines logged at WARNING level instead of INFO (a fifth in some CMS
 * logs): the receiver must then tell them from refusals, which are logged at that level too.
 * Usage: node --import tsx bench/frame-sender.ts PORT COUNT MIX [WARN]
 */
import { connect } from 'node:net';
import { chatterLine, webBridgeStatsLine } from '../src/sim/syslog/templates.js';

/** Frames per rendered block: about 1.2 MB of chatter, large enough that one write carries many frames. */
const BLOCK = 8192;
/** Copies of the block in flight at once: a copy is rewritten only once its write is done (writes do not copy). */
const IN_FLIGHT = 4;
const COUNTER_DIGITS = 10;
/** `<14>Nov 20 ` is 11 bytes: where the clock of a Stats frame's stamp starts. */
const STAMP_CLOCK_AT = 11;
const DAY_MS = 86_400_000;

export interface RenderedBlock {
  readonly bytes: Buffer;
  /** Where each Stats frame's counter digits start. */
  readonly counterAt: readonly number[];
  /** Where each Stats frame's clock (`HH:MM:SS.mmm` of its BSD stamp) starts, and the frame's index in the block. */
  readonly clockAt: readonly number[];
  readonly frameOf: readonly number[];
}

/**
 * BLOCK frames `LEN SP MSG`, a Stats line every 1/mix frames (evenly spread), chatter between. Frame i of the block
 * is stamped `start + i` ms and comes from node `cms(i % 20 + 1)`.
 */
export function renderBlock(mix: number, start: number, frames = BLOCK, warnShare = 0): RenderedBlock {
  const parts: Buffer[] = [];
  const counterAt: number[] = [];
  const clockAt: number[] = [];
  const frameOf: number[] = [];
  let offset = 0;
  let statsDue = 0;
  let warnDue = 0;
  for (let i = 0; i < frames; i++) {
    const host = `cms${(i % 20) + 1}`;
    statsDue += mix;
    let message: string;
    let counter = -1;
    if (statsDue >= 1) {
      statsDue -= 1;
      message = `<14>${webBridgeStatsLine(start + i, host, i % 149, 0, i)}`;
      // The c: value rendered as 0 is widened to the fixed-width counter rewritten in each copy.
      message = message.replace(', c:0, ', `, c:${'0'.repeat(COUNTER_DIGITS)}, `);
      counter = message.indexOf(', c:') + 4;
    } else {
      message = `<14>${chatterLine(start + i, host, i)}`;
      warnDue += warnShare;
      if (warnDue >= 1) {
        warnDue -= 1;
        message = `<12>${chatterLine(start + i, host, i)
          .replace(' INFO : ', ' WARNING : ')
          .replace('.info ', '.warning ')}`;
      }
    }
    const body = Buffer.from(message, 'utf8');
    const head = Buffer.from(`${body.length} `, 'latin1');
    if (counter >= 0) {
      counterAt.push(offset + head.length + Buffer.byteLength(message.slice(0, counter)));
      clockAt.push(offset + head.length + STAMP_CLOCK_AT);
      frameOf.push(i);
    }
    parts.push(head, body);
    offset += head.length + body.length;
  }
  return { bytes: Buffer.concat(parts), counterAt, clockAt, frameOf };
}

/** Writes `value` (below 2^31) as COUNTER_DIGITS zero-padded digits at `at`. */
function writeCounter(bytes: Buffer, at: number, value: number): void {
  let v = value | 0;
  for (let k = at + COUNTER_DIGITS - 1; k >= at; k--) {
    const q = (v / 10) | 0;
    bytes[k] = 0x30 + v - q * 10;
    v = q;
  }
}

/**
 * Writes the clock of instant `at` (UTC, `HH:MM:SS.mmm`, the date left as rendered) at `at0`: the Stats records'
 * instants go on rising from copy to copy, as a live stream's do (a store's index then grows at its end).
 */
function writeClock(bytes: Buffer, at0: number, at: number): void {
  let ms = at % DAY_MS;
  const h = (ms / 3_600_000) | 0;
  ms -= h * 3_600_000;
  const m = (ms / 60_000) | 0;
  ms -= m * 60_000;
  const sec = (ms / 1000) | 0;
  ms -= sec * 1000;
  bytes[at0] = 0x30 + ((h / 10) | 0);
  bytes[at0 + 1] = 0x30 + (h % 10);
  bytes[at0 + 3] = 0x30 + ((m / 10) | 0);
  bytes[at0 + 4] = 0x30 + (m % 10);
  bytes[at0 + 6] = 0x30 + ((sec / 10) | 0);
  bytes[at0 + 7] = 0x30 + (sec % 10);
  bytes[at0 + 9] = 0x30 + ((ms / 100) | 0);
  bytes[at0 + 10] = 0x30 + (((ms / 10) | 0) % 10);
  bytes[at0 + 11] = 0x30 + (ms % 10);
}

/** Byte offset just after frame `frames` of a block (to send the first frames of the last copy). */
function frameEnd(bytes: Buffer, frames: number): number {
  let pos = 0;
  for (let i = 0; i < frames; i++) {
    const space = bytes.indexOf(32, pos);
    pos = space + 1 + Number(bytes.toString('latin1', pos, space));
  }
  return pos;
}

async function main(): Promise<void> {
  const [portText, countText, mixText, warnText] = process.argv.slice(2);
  const port = Number(portText);
  const count = Number(countText);
  const mix = Number(mixText ?? 0.01);
  const warnShare = Number(warnText ?? 0);
  if (!(port > 0) || !(count > 0) || !(mix > 0 && mix <= 1) || !(warnShare >= 0 && warnShare <= 1)) {
    process.stderr.write('usage: frame-sender.ts PORT COUNT MIX [WARN] (0 < MIX <= 1, 0 <= WARN <= 1)\n');
    process.exit(2);
  }
  // Stamped from an hour ago, a millisecond apart; the date stays as rendered (a run past midnight wraps the clock).
  const start = Date.now() - 3_600_000;
  const block = renderBlock(mix, start, BLOCK, warnShare);
  const free: Buffer[] = Array.from({ length: IN_FLIGHT }, () => Buffer.from(block.bytes));
  const socket = connect({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const t0 = performance.now();
  // An instant other processes can compare with theirs (performance.timeOrigin + now: sub-millisecond).
  const startedAt = performance.timeOrigin + t0;
  let sentFrames = 0;
  let sentBytes = 0;
  let copyIndex = 0;
  let waiting: (() => void) | undefined;
  while (sentFrames < count) {
    if (free.length === 0) {
      await new Promise<void>((r) => {
        waiting = r;
      });
    }
    const copy = free.pop() as Buffer;
    const frames = Math.min(BLOCK, count - sentFrames);
    const base = copyIndex * block.counterAt.length;
    const { counterAt, clockAt, frameOf } = block;
    for (let i = 0; i < counterAt.length; i++) {
      writeCounter(copy, counterAt[i] as number, base + i);
      writeClock(copy, clockAt[i] as number, start + copyIndex * BLOCK + (frameOf[i] as number));
    }
    const bytes = frames === BLOCK ? copy : copy.subarray(0, frameEnd(copy, frames));
    socket.write(bytes, () => {
      free.push(copy);
      const w = waiting;
      waiting = undefined;
      w?.();
    });
    copyIndex++;
    sentFrames += frames;
    sentBytes += bytes.length;
  }
  await new Promise<void>((resolve) => socket.end(resolve));
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(
    `${JSON.stringify({ frames: sentFrames, bytes: sentBytes, startedAt, seconds, perSecond: Math.round(sentFrames / seconds) })}\n`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main();
}
