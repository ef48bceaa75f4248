/**
 * Speed and memory of the embedded local detector on this machine:
 *
 *   npm run bench [-- --corpus ../shared/corpus]
 *
 * Prints the model load time; median, p95 and images/s of the whole pipeline (read, precheck,
 * decode, downscale, inference, rules) on corpus photos up to 1600 px; the bare model inference
 * alone and the pipeline's ratio to it; peak RSS over the corpus and for a 4095×4095 photo; and the
 * time to refuse an 8000×8000 file. A script, never a timed test: machines are shared and noisy.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { imageSize } from 'image-size'
import { LocalDetector } from '../src/detect/local/detector.js'
import { ImageDecoder } from '../src/detect/local/decode.js'
import { locateAssets } from '../src/detect/local/assets.js'

const { values } = parseArgs({
  options: { corpus: { type: 'string', default: '../shared/corpus' } },
})
const corpus = resolve(values.corpus)
if (!existsSync(join(corpus, 'images'))) {
  console.error(
    `No corpus at ${corpus} (expected images/). Pass --corpus DIR; a fresh clone has none.`,
  )
  process.exit(2)
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN
const median = (xs: number[]) =>
  quantile(
    [...xs].sort((a, b) => a - b),
    0.5,
  )
const p95 = (xs: number[]) =>
  quantile(
    [...xs].sort((a, b) => a - b),
    0.95,
  )
const peakRssMb = () => process.resourceUsage().maxRSS / 1024
const ms = (x: number) => `${x.toFixed(1)} ms`

const loadStarted = performance.now()
const detector = new LocalDetector()
await detector.load()
const loadMs = performance.now() - loadStarted

const files: Uint8Array[] = []
for (const name of (await readdir(join(corpus, 'images'))).sort()) {
  const bytes = new Uint8Array(await readFile(join(corpus, 'images', name)))
  try {
    const { width, height } = imageSize(bytes)
    if (Math.max(width, height) <= 1600 && Math.min(width, height) > 224) files.push(bytes)
  } catch {
    // Not an image with a readable header: not part of the speed figures.
  }
}

// One warm-up pass (first-call compilation), then three measured passes.
for (const bytes of files.slice(0, 3)) await detector.analyse(bytes)
const totals: number[] = []
const inference: number[] = []
const decode: number[] = []
const started = performance.now()
for (let pass = 0; pass < 3; pass++) {
  for (const bytes of files) {
    const { timings } = await detector.analyse(bytes)
    totals.push(timings.totalMs)
    if (timings.inferenceMs > 0) {
      inference.push(timings.inferenceMs)
      decode.push(timings.decodeMs)
    }
  }
}
const elapsed = (performance.now() - started) / 1000
const corpusPeak = peakRssMb()

// A 4095×4095 photo: a corpus photo scaled up and encoded as JPEG.
const decoder = new ImageDecoder(locateAssets())
const source = await decoder.decode(files[0] ?? new Uint8Array(), 'jpeg')
const side = 4095
const big = new Uint8ClampedArray(side * side * 4)
for (let y = 0; y < side; y++) {
  const sy = Math.floor((y * source.height) / side)
  for (let x = 0; x < side; x++) {
    const from = (sy * source.width + Math.floor((x * source.width) / side)) * 4
    big.set(source.data.subarray(from, from + 4), (y * side + x) * 4)
  }
}
const { default: encodeJpeg } = await import('@jsquash/jpeg/encode.js')
const { init: initEncoder } = await import('@jsquash/jpeg/encode.js')
await initEncoder(
  await WebAssembly.compile(
    await readFile('node_modules/@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm'),
  ),
)
const bigJpeg = new Uint8Array(
  await encodeJpeg({ data: big, width: side, height: side, colorSpace: 'srgb' }, { quality: 75 }),
)
const bigResult = await detector.analyse(bigJpeg)
const bigFile = join(await mkdtemp(join(tmpdir(), 'aa-bench-')), 'photo-4095.jpg')
await writeFile(bigFile, bigJpeg)

// An 8000×8000 PNG header in a few bytes: refused before any decoding.
const bomb = new Uint8Array([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0x1f,
  0x40, 0, 0, 0x1f, 0x40, 8, 2, 0, 0, 0, 0, 0, 0, 0,
])
const bombResult = await detector.analyse(bomb)

console.log(
  `bench — local detector, ${files.length} corpus photos ≤ 1600 px × 3 passes, Node ${process.version}`,
)
console.log(`model load (wasm backend + MoveNet MultiPose)   ${ms(loadMs)}`)
console.log(
  `pipeline per image: median ${ms(median(totals))}, p95 ${ms(p95(totals))}, ${(totals.length / elapsed).toFixed(1)} images/s`,
)
console.log(`  decode + downscale median                      ${ms(median(decode))}`)
console.log(`  bare model inference median                    ${ms(median(inference))}`)
console.log(
  `  pipeline / bare inference (medians)            ${(median(totals) / median(inference)).toFixed(2)}×`,
)
console.log(`peak RSS of this benchmark process (tsx, 3 passes) ${corpusPeak.toFixed(0)} MB`)
console.log(
  `4095×4095 JPEG (${(bigJpeg.length / 1024 / 1024).toFixed(1)} MB): ${bigResult.detection.status} ${bigResult.detection.code ?? bigResult.detection.bodystyle ?? ''} in ${ms(bigResult.timings.totalMs)}`,
)

// Peak memory as a user meets it: the built CLI in a fresh process, which reports its own peak RSS.
const probe = `data:text/javascript,process.on('exit',()=>process.stderr.write('maxrss='+process.resourceUsage().maxRSS+'\\n'))`
function peakOfCli(args: string[]): { mb: number; status: number | null } {
  const run = spawnSync(
    process.execPath,
    ['--import', probe, 'dist/cli.js', 'check', '--json', ...args],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  )
  const kb = Number(/maxrss=(\d+)/.exec(run.stderr)?.[1] ?? NaN)
  return { mb: kb / 1024, status: run.status }
}
if (existsSync('dist/cli.js')) {
  const whole = peakOfCli([join(corpus, 'images')])
  const single = peakOfCli([bigFile])
  console.log(
    `peak RSS, dist/cli.js over the whole corpus       ${whole.mb.toFixed(0)} MB (exit ${whole.status})`,
  )
  console.log(
    `peak RSS, dist/cli.js on the 4095×4095 photo      ${single.mb.toFixed(0)} MB (exit ${single.status})`,
  )
} else {
  console.log('dist/cli.js is missing: run `npm run build` for the per-process memory figures.')
}
console.log(
  `8000×8000 header: ${bombResult.detection.code ?? ''} in ${ms(bombResult.timings.totalMs)}`,
)
