/**
 * Speed of the pipeline per stage (decode + downscale, MoveNet, BlazeFace, CenterNet, FaceMesh,
 * rules) over a folder of photos, one image at a time on one thread:
 *
 *   npx tsx scripts/bench-observe.ts [-- --images ../shared/corpus/images]
 *
 * Pin it to one core (`taskset -c 0`) for the per-core figure. A script, never a timed test.
 */
import { existsSync } from 'node:fs'
import { readFile, readdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import * as tf from '@tensorflow/tfjs-core'
import { locateAssets, type AssetPaths } from '../src/detect/local/assets.js'
import { ImageDecoder } from '../src/detect/local/decode.js'
import { imageTensor } from '../src/detect/local/graph.js'
import { headCrop, loadModels, lumaGrid, observeInput } from '../src/detect/local/observe.js'
import { precheck } from '../src/detect/local/precheck.js'
import { findPeople, judge } from '../src/detect/local/rules.js'
import { OBSERVE_LIMITS } from '../src/detect/local/thresholds.js'

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '../shared/corpus/images' },
    models: { type: 'string' },
    wasm: { type: 'string' },
  },
})
const folder = resolve(values.images)
if (!existsSync(folder)) {
  console.log(`No images at ${folder}: nothing to measure. Pass --images DIR.`)
  process.exit(0)
}
const found = values.models === undefined ? locateAssets() : undefined
const wasm = values.wasm ?? ''
const assets: AssetPaths = found ?? {
  models: values.models ?? '',
  tfjsWasm: wasm,
  jpegWasm: join(wasm, 'mozjpeg_dec.wasm'),
  webpWasm: join(wasm, 'webp_dec.wasm'),
  pngWasm: join(wasm, 'squoosh_png_bg.wasm'),
  jpegEncoderWasm: join(wasm, 'mozjpeg_enc.wasm'),
}
const loadStarted = performance.now()
const decoder = new ImageDecoder(assets)
await decoder.init()
const models = await loadModels(assets.models, assets.tfjsWasm)
console.log(
  `backend ${tf.getBackend()}, models loaded in ${(performance.now() - loadStarted).toFixed(0)} ms`,
)

const stages = ['decode', 'pose', 'faces', 'objects', 'face', 'rules', 'total'] as const
const times: Record<(typeof stages)[number], number[]> = {
  decode: [],
  pose: [],
  faces: [],
  objects: [],
  face: [],
  rules: [],
  total: [],
}
let round = 0
for (const file of (await readdir(folder)).sort()) {
  const bytes = new Uint8Array(await readFile(join(folder, file)))
  const header = precheck(bytes)
  if ('status' in header) continue
  const clock = () => performance.now()
  const t0 = clock()
  let input
  try {
    input = observeInput(await decoder.decode(bytes, header.format))
  } catch {
    continue
  }
  const t1 = clock()
  const persons = await models.pose.estimate(input.small)
  const tPose = clock()
  const faces = await models.faces.find(
    input.small,
    OBSERVE_LIMITS.minFoundFaceScore,
    OBSERVE_LIMITS.maxFaceOverlap,
  )
  const t2 = clock()
  const { detail, small } = input
  const image = imageTensor(detail)
  const objects = await models.objects.detect(
    image,
    OBSERVE_LIMITS.minObjectScore,
    OBSERVE_LIMITS.maxObjectOverlap,
  )
  const t3 = clock()
  const subject = findPeople({ persons, objects })[0]
  const crop = headCrop(subject?.pose, subject?.box, small.width, small.height)
  const face = crop === undefined ? undefined : await models.face.read(image, crop)
  image.dispose()
  const t4 = clock()
  const observation = {
    persons,
    width: small.width,
    height: small.height,
    meanLuma: small.meanLuma,
    luma: lumaGrid(small),
    objects,
    faces,
  }
  judge(face === undefined ? observation : { ...observation, face })
  const t5 = clock()
  // The first two images warm the backend's kernels up; they are not counted.
  if (round++ < 2) continue
  times.decode.push(t1 - t0)
  times.pose.push(tPose - t1)
  times.faces.push(t2 - tPose)
  times.objects.push(t3 - t2)
  times.face.push(t4 - t3)
  times.rules.push(t5 - t4)
  times.total.push(t5 - t0)
}
const at = (list: number[], q: number) =>
  [...list].sort((a, b) => a - b)[Math.min(list.length - 1, Math.floor(q * list.length))] ?? 0
console.log(
  `${times.total.length} images (decode + downscale, MoveNet, BlazeFace, CenterNet, FaceMesh, rules)`,
)
for (const stage of stages)
  console.log(
    `${stage.padEnd(8)} median ${at(times[stage], 0.5).toFixed(1).padStart(7)} ms   p90 ${at(times[stage], 0.9).toFixed(1).padStart(7)} ms`,
  )
