/** A `.tar.gz` in memory (a CMS log bundle, say), its entries written with `mtime`. */
import { gzipSync } from 'node:zlib';
import tarStream from 'tar-stream';

export function tarGz(entries: ReadonlyArray<{ name: string; body: Buffer }>, mtime: Date): Promise<Buffer> {
  const pack = tarStream.pack();
  for (const e of entries) {
    pack.entry({ name: e.name, mtime }, e.body);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    pack.on('data', (c) => chunks.push(c as Buffer));
    pack.on('end', () => resolve(gzipSync(Buffer.concat(chunks))));
    pack.on('error', reject);
  });
}
