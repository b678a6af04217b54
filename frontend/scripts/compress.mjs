// Precompresses the built app's hashed assets (dist/assets) with brotli and
// gzip, next to the originals (NAME.br, NAME.gz), so the Go server sends
// them with Content-Encoding instead of compressing on every request
// (server/spa.go). Only files worth it: compressible types over 1 KiB, and
// only when the result is smaller. Node's zlib does both; no dependency.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dir = new URL('../dist/assets/', import.meta.url).pathname;
const worth = /\.(js|mjs|css|wasm|svg|json|html|map)$/;
let before = 0;
let afterBr = 0;
for (const name of readdirSync(dir)) {
  const path = join(dir, name);
  if (!worth.test(name) || statSync(path).size < 1024) continue;
  const raw = readFileSync(path);
  const br = brotliCompressSync(raw, {
    params: {
      // 11 is the smallest but takes ~20 s of CPU on the 7 MB wasm; 9 takes ~1 s and costs ~10 %.
      [constants.BROTLI_PARAM_QUALITY]: raw.length > 1e6 ? 9 : 11,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      [constants.BROTLI_PARAM_MODE]: name.endsWith('.wasm') ? constants.BROTLI_MODE_GENERIC : constants.BROTLI_MODE_TEXT,
    },
  });
  const gz = gzipSync(raw, { level: 9 });
  if (br.length < raw.length) writeFileSync(`${path}.br`, br);
  if (gz.length < raw.length) writeFileSync(`${path}.gz`, gz);
  before += raw.length;
  afterBr += Math.min(br.length, raw.length);
}
console.log(`compressed dist/assets: ${(before / 1e6).toFixed(2)} MB -> ${(afterBr / 1e6).toFixed(2)} MB with brotli`);
