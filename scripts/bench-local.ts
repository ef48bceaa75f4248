/**
 * Speed and memory of the embedded local detector on this machine:
 *
 *   npm run bench [-- --corpus ../shared/corpus]
 *
 * Prints the cold start (one worker, and the whole pool); the pipeline's median and p95 per image
 * on one worker (precheck in the caller, then decode, downscale, inference, rules in the worker)
 * with the decode and inference medians; images/s with one worker and with one per core; peak RSS
 * of this process and of the built CLI over the corpus and on a 4095×4095 photo; the time to
 * refuse an 8000×8000 header; and the answer time for a JPEG scan bomb. A script, never a timed
 * test: machines are shared and noisy.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { Worker } from 'node:worker_threads'
import { imageSize } from 'image-size'
import { init as initJpegDecoder, default as decodeJpegWasm } from '@jsquash/jpeg/decode.js'
import { LocalDetector } from '../src/detect/local/detector.js'
import { locateAssets } from '../src/detect/local/assets.js'
import {
  encodeJpeg,
  flatGrey,
  jpegScans,
  resize,
  rgbaOf,
  scanBomb,
} from '../test/helpers/images.js'

const { values } = parseArgs({
  options: { corpus: { type: 'string', default: '../shared/corpus' } },
})
const corpus = resolve(values.corpus)
if (!existsSync(join(corpus, 'images'))) {
  console.log(
    `bench: no corpus at ${corpus} (expected images/), so nothing to measure. Pass --corpus DIR; a fresh clone has none.`,
  )
  process.exit(0)
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b)
const median = (xs: number[]) => quantile(sorted(xs), 0.5)
const p95 = (xs: number[]) => quantile(sorted(xs), 0.95)
const peakRssMb = () => process.resourceUsage().maxRSS / 1024
const ms = (x: number) => `${x.toFixed(1)} ms`
const row = (label: string, value: string) => console.log(`${label.padEnd(52)} ${value}`)
const assets = locateAssets()
const cores = availableParallelism()

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
console.log(
  `bench — local detector, ${files.length} corpus photos ≤ 1600 px, ${cores} cores, Node ${process.version}`,
)

// The worker users run: the built one when there is a build (from source, tsx compiles every
// module as the worker starts, which is not what a user's cold start costs).
const builtWorker = resolve('dist/local-worker.js')
const worker = existsSync(builtWorker) ? pathToFileURL(builtWorker) : undefined
console.log(
  worker === undefined
    ? 'workers: from source through tsx (no dist/local-worker.js: run `npm run build` for the shipped worker)'
    : 'workers: the built dist/local-worker.js (rebuild after changing src/)',
)

async function coldStart(workers: number): Promise<{ detector: LocalDetector; ms: number }> {
  const started = performance.now()
  const detector = new LocalDetector(workers, assets, { worker })
  await detector.load()
  return { detector, ms: performance.now() - started }
}

/** Every file submitted at once, `passes` times over; images/s of the whole batch. */
interface Batch {
  rate: number
  /** CPU time the process got over wall time: the cores the batch really ran on. */
  cores: number
}

/** Every file submitted at once, `passes` times over. */
async function throughput(detector: LocalDetector, passes: number): Promise<Batch> {
  const cpu = process.cpuUsage()
  const started = performance.now()
  for (let pass = 0; pass < passes; pass++)
    await Promise.all(files.map((bytes) => detector.analyse(bytes)))
  const seconds = (performance.now() - started) / 1000
  const used = process.cpuUsage(cpu)
  return {
    rate: (files.length * passes) / seconds,
    cores: (used.user + used.system) / 1e6 / seconds,
  }
}

/**
 * Cores this process really gets: `cores` threads spinning for a second, CPU time over wall time.
 * On a shared or throttled machine it is less than `cores`, and the pool cannot beat it.
 */
async function coresAvailable(): Promise<number> {
  const spin = `const t = Date.now(); let x = 0; while (Date.now() - t < 1000) x += Math.sqrt(x + 1)
require('node:worker_threads').parentPort.postMessage(x)`
  const cpu = process.cpuUsage()
  const started = performance.now()
  await Promise.all(
    Array.from(
      { length: cores },
      () => new Promise((done) => new Worker(spin, { eval: true }).once('message', done)),
    ),
  )
  const used = process.cpuUsage(cpu)
  return (used.user + used.system) / 1000 / (performance.now() - started)
}
row(
  `CPU that ${cores} spinning threads get (control)`,
  `${(await coresAvailable()).toFixed(2)} cores`,
)

// One worker: per-image timings one at a time, then the batch rate.
const single = await coldStart(1)
for (const bytes of files.slice(0, 3)) await single.detector.analyse(bytes)
const totals: number[] = []
const decode: number[] = []
const inference: number[] = []
for (let pass = 0; pass < 2; pass++) {
  for (const bytes of files) {
    const { timings } = await single.detector.analyse(bytes)
    totals.push(timings.totalMs)
    if (timings.inferenceMs > 0) {
      decode.push(timings.decodeMs)
      inference.push(timings.inferenceMs)
    }
  }
}
const pool = await coldStart(cores)
await throughput(pool.detector, 1)
// Alternated, so that load from elsewhere on a shared machine weighs on both alike.
const singleBatches: Batch[] = []
const poolBatches: Batch[] = []
for (let round = 0; round < 3; round++) {
  singleBatches.push(await throughput(single.detector, 1))
  poolBatches.push(await throughput(pool.detector, 1))
}
const singleRate = median(singleBatches.map((b) => b.rate))
const poolRate = median(poolBatches.map((b) => b.rate))
const coresOf = (batches: Batch[]) =>
  batches.map((b) => `${b.rate.toFixed(1)} on ${b.cores.toFixed(2)} cores`).join(', ')
await single.detector.close()
const corpusPeak = peakRssMb()

row('cold start, one worker (thread, codecs, model)', ms(single.ms))
row(`cold start, pool of ${cores} workers`, ms(pool.ms))
row('pipeline per image on one worker', `median ${ms(median(totals))}, p95 ${ms(p95(totals))}`)
row('  decode + downscale median', ms(median(decode)))
row('  model inference median', ms(median(inference)))
row(
  'images/s, one worker (median of 3 batches)',
  `${singleRate.toFixed(1)} (batches: ${coresOf(singleBatches)})`,
)
row(
  `images/s, pool of ${cores} workers (median of 3 batches)`,
  `${poolRate.toFixed(1)}, ${(poolRate / singleRate).toFixed(2)}× one worker (batches: ${coresOf(poolBatches)})`,
)
row('peak RSS of this process (tsx, workers included)', `${corpusPeak.toFixed(0)} MB`)

// A 4095×4095 photo: a fixture photo scaled up and encoded as JPEG.
const big = await encodeJpeg(resize(await rgbaOf('full-body.jpg'), 4095, 4095), { quality: 75 })
const bigResult = await pool.detector.analyse(big)
row(
  `4095×4095 JPEG (${(big.length / 1024 / 1024).toFixed(1)} MB)`,
  `${bigResult.detection.status} ${bigResult.detection.code ?? bigResult.detection.bodystyle ?? ''} in ${ms(bigResult.timings.totalMs)}`,
)
row('peak RSS of this process after it', `${peakRssMb().toFixed(0)} MB`)

// An 8000×8000 PNG header in a few bytes: refused before any decoding.
const header = new Uint8Array([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0x1f,
  0x40, 0, 0, 0x1f, 0x40, 8, 2, 0, 0, 0, 0, 0, 0, 0,
])
const headerResult = await pool.detector.analyse(header)
row(
  '8000×8000 header',
  `${headerResult.detection.code ?? ''} in ${ms(headerResult.timings.totalMs)}`,
)

// A scan bomb: 5000 one-symbol scans over a 4000×4000 progressive JPEG.
const bomb = scanBomb(await encodeJpeg(flatGrey(4000, 4000), { progressive: true }), 5000)
const bombResult = await pool.detector.analyse(bomb)
row(
  `scan bomb (${(bomb.length / 1024).toFixed(0)} KB, ${jpegScans(bomb).length} scans)`,
  `${bombResult.detection.code ?? ''} in ${ms(bombResult.timings.totalMs)}`,
)
const underLimit = scanBomb(await encodeJpeg(flatGrey(4000, 4000), { progressive: true }), 240)
const underResult = await pool.detector.analyse(underLimit)
row(
  `  the same with ${jpegScans(underLimit).length} scans (decoded)`,
  `${underResult.detection.code ?? underResult.detection.status} in ${ms(underResult.timings.totalMs)}`,
)
await (initJpegDecoder as unknown as (module: WebAssembly.Module, o: object) => Promise<void>)(
  await WebAssembly.compile(await readFile(assets.jpegWasm)),
  { printErr: () => undefined },
)
const bombStarted = performance.now()
await decodeJpegWasm(bomb.slice().buffer)
row('  mozjpeg decoding the 5000-scan bomb unguarded', ms(performance.now() - bombStarted))
await pool.detector.close()

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
if (existsSync('dist/local-worker.js')) {
  const folder = await mkdtemp(join(tmpdir(), 'aa-bench-'))
  const bigFile = join(folder, 'photo-4095.jpg')
  await writeFile(bigFile, big)
  const whole = peakOfCli([join(corpus, 'images')])
  const alone = peakOfCli([bigFile])
  await rm(folder, { recursive: true, force: true })
  row(
    'peak RSS, dist/cli.js over the whole corpus',
    `${whole.mb.toFixed(0)} MB (exit ${whole.status})`,
  )
  row(
    'peak RSS, dist/cli.js on the 4095×4095 photo',
    `${alone.mb.toFixed(0)} MB (exit ${alone.status})`,
  )
} else {
  console.log(
    'dist/ has no local-worker.js: run `npm run build` for the per-process memory figures.',
  )
}
