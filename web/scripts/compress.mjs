// Writes .gz and .br copies next to every built file (faceloop serve picks the one the client
// accepts), prints the gzipped size of the bundle, and fails the build above the 200 KB budget.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const BUDGET = 200 * 1024;
const dist = new URL('../dist/', import.meta.url).pathname;

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (!name.endsWith('.gz') && !name.endsWith('.br')) yield path;
  }
}

let gzipped = 0;
for (const path of files(dist)) {
  const bytes = readFileSync(path);
  const gz = gzipSync(bytes, { level: 9 });
  const br = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
  writeFileSync(`${path}.gz`, gz);
  writeFileSync(`${path}.br`, br);
  gzipped += gz.length;
}
console.log(`web bundle: ${(gzipped / 1024).toFixed(1)} KB gzipped (budget ${BUDGET / 1024} KB)`);
if (gzipped > BUDGET) {
  console.error('web bundle over budget');
  process.exit(1);
}
