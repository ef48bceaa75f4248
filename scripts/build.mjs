// Builds dist/: the action (dist/index.js, a Node version check that loads dist/action-main.js), the
// CLI (dist/cli.js), the local detector's worker
// (dist/local-worker.js), and beside them the model and WebAssembly files the local detector loads
// from disk (ncc bundles code, not these).
import { execFileSync } from 'node:child_process'
import {
  chmodSync,
  cpSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { HASH_FILE, inputsHash } from './ensure-dist.mjs'

const ncc = join('node_modules', '.bin', 'ncc')
const bundle = (entry, out) =>
  execFileSync(ncc, ['build', entry, '-o', out, '--license', 'licenses.txt', '--quiet'], {
    stdio: 'inherit',
  })

rmSync('dist', { recursive: true, force: true })
bundle('src/index.ts', 'dist')
// dist/index.js (action.yml's main) is the launcher: a Node version check in plain JavaScript.
renameSync('dist/index.js', 'dist/action-main.js')
cpSync('src/launch/action.mjs', 'dist/index.js')
cpSync('src/launch/node-version.mjs', 'dist/node-version.mjs')
bundle('src/cli/entry.ts', '.build/cli')
renameSync('.build/cli/index.js', 'dist/cli-main.js')
// dist/cli.js is the launcher: a Node version check in plain JavaScript, then the bundle.
cpSync('src/launch/cli.mjs', 'dist/cli.js')
chmodSync('dist/cli.js', 0o755)
// The local detector's worker thread, found beside whichever bundle starts it (pool.ts).
bundle('src/detect/local/worker.ts', '.build/worker')
renameSync('.build/worker/index.js', 'dist/local-worker.js')
rmSync('.build', { recursive: true, force: true })
// ncc copies the decoders' .wasm it sees referenced; the code is handed the ones in dist/wasm instead.
for (const file of readdirSync('dist')) if (file.endsWith('.wasm')) rmSync(join('dist', file))

mkdirSync('dist/models', { recursive: true })
for (const file of [
  'movenet-multipose.json',
  'movenet-multipose.bin',
  'centernet.json',
  'centernet.bin',
  'facemesh.json',
  'facemesh.bin',
  'blazeface-back.json',
  'blazeface-back.bin',
  'README.md',
]) {
  cpSync(join('models', file), join('dist/models', file))
}
mkdirSync('dist/wasm', { recursive: true })
for (const file of [
  'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm',
  'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm',
  'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm',
  'node_modules/@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm',
  'node_modules/@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm',
  'node_modules/@jsquash/webp/codec/dec/webp_dec.wasm',
  'node_modules/@jsquash/png/codec/pkg/squoosh_png_bg.wasm',
]) {
  cpSync(file, join('dist/wasm', file.split('/').pop()))
}
// What this dist/ was built from: the e2e setup rebuilds only when the inputs differ.
writeFileSync(HASH_FILE, `${inputsHash()}\n`)
