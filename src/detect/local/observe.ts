import type { Pixels, WorkingImage } from './decode.js'
import { toWorkingImage } from './decode.js'
import { FaceModel } from './face.js'
import { FaceFinder } from './faces.js'
import { imageTensor, useWasmBackend } from './graph.js'
import { ObjectModel, type Box, type DetectedObject } from './objects.js'
import { PoseModel, type Person } from './pose.js'
import { findPeople } from './rules/people.js'
import { LIMITS, OBSERVE_LIMITS, THRESHOLDS } from './thresholds.js'
import type { LumaGrid, Observation } from './observation.js'

/** The luma grid of a working image: `cells` × `cells` (fewer on a side with fewer pixels). Pure. */
export function lumaGrid(
  image: WorkingImage,
  cells: number = OBSERVE_LIMITS.lumaGridCells,
): LumaGrid {
  const columns = Math.max(1, Math.min(cells, image.width))
  const rows = Math.max(1, Math.min(cells, image.height))
  const sums = new Float64Array(columns * rows)
  const counts = new Uint32Array(columns * rows)
  for (let y = 0; y < image.height; y++) {
    const row = Math.floor((y * rows) / image.height) * columns
    for (let x = 0, at = y * image.width * 3; x < image.width; x++, at += 3) {
      const cell = row + Math.floor((x * columns) / image.width)
      const r = image.rgb[at] ?? 0
      const g = image.rgb[at + 1] ?? 0
      const b = image.rgb[at + 2] ?? 0
      sums[cell] = (sums[cell] ?? 0) + 0.299 * r + 0.587 * g + 0.114 * b
      counts[cell] = (counts[cell] ?? 0) + 1
    }
  }
  return {
    columns,
    rows,
    values: Array.from(sums, (sum, i) => Math.round((10 * sum) / (counts[i] || 1)) / 10),
  }
}

/** The image turned a quarter, clockwise or not (width and height swap). Pure. */
export function quarterTurn(image: WorkingImage, clockwise: boolean): WorkingImage {
  const { width, height } = image
  const rgb = new Int32Array(image.rgb.length)
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      // Turned clockwise, (x, y) lands at (height − 1 − y, x); anticlockwise at (y, width − 1 − x).
      const tx = clockwise ? height - 1 - y : y
      const ty = clockwise ? x : width - 1 - x
      const from = (y * width + x) * 3
      const to = (ty * height + tx) * 3
      rgb[to] = image.rgb[from] ?? 0
      rgb[to + 1] = image.rgb[from + 1] ?? 0
      rgb[to + 2] = image.rgb[from + 2] ?? 0
    }
  return { rgb, width: height, height: width, meanLuma: image.meanLuma }
}

/** A person found on a quarter-turned image, with keypoints as fractions of the upright one. Pure. */
export function unturn(person: Person, clockwise: boolean): Person {
  const keypoints = Object.fromEntries(
    Object.entries(person.keypoints).map(([name, p]) => [
      name,
      clockwise ? { x: p.y, y: 1 - p.x, score: p.score } : { x: 1 - p.y, y: p.x, score: p.score },
    ]),
  ) as Person['keypoints']
  return { score: person.score, keypoints, turned: true }
}

/** The photo at the two sizes the models need: small for MoveNet, detail for the rest. */
export interface ObserveInput {
  small: WorkingImage
  detail: WorkingImage
}

/** Both sizes from one decode: the detail image is made first and the small one from it. */
export function observeInput(pixels: Pixels): ObserveInput {
  const detail = toWorkingImage(pixels, OBSERVE_LIMITS.detailSize)
  const small = toWorkingImage(
    { data: new Uint8Array(detail.rgb), width: detail.width, height: detail.height, channels: 3 },
    LIMITS.workingSize,
  )
  return { small, detail }
}

export interface Models {
  pose: PoseModel
  objects: ObjectModel
  face: FaceModel
  faces: FaceFinder
}

export async function loadModels(modelsFolder: string, wasmFolder: string): Promise<Models> {
  await useWasmBackend(wasmFolder)
  const [pose, objects, face, faces] = await Promise.all([
    PoseModel.load(modelsFolder, wasmFolder),
    ObjectModel.load(modelsFolder, OBSERVE_LIMITS.objectInputSize),
    FaceModel.load(modelsFolder),
    FaceFinder.load(modelsFolder),
  ])
  return { pose, objects, face, faces }
}

/**
 * The square around the subject's head, as fractions of a `width` × `height` image: from the
 * face keypoints when MoveNet sees them, else above the shoulders, else the top of the person's
 * box. Pure.
 */
export function headCrop(
  person: Person | undefined,
  box: Box | undefined,
  width: number,
  height: number,
): Box | undefined {
  const seen = (score: number) => score >= THRESHOLDS.headKeypointScore
  let cx: number
  let cy: number
  let side: number
  const k = person?.keypoints
  const head = k
    ? [k.nose, k.leftEye, k.rightEye, k.leftEar, k.rightEar].filter((p) => seen(p.score))
    : []
  const shoulders =
    k && seen(k.leftShoulder.score) && seen(k.rightShoulder.score)
      ? Math.hypot(
          (k.leftShoulder.x - k.rightShoulder.x) * width,
          (k.leftShoulder.y - k.rightShoulder.y) * height,
        )
      : 0
  if (k && head.length >= 2) {
    const xs = head.map((p) => p.x * width)
    const ys = head.map((p) => p.y * height)
    cx = xs.reduce((a, b) => a + b, 0) / xs.length
    cy = ys.reduce((a, b) => a + b, 0) / ys.length
    const span = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys))
    side = Math.max(span * 2.2, shoulders * 0.7)
  } else if (k && shoulders > 0) {
    cx = ((k.leftShoulder.x + k.rightShoulder.x) / 2) * width
    cy = ((k.leftShoulder.y + k.rightShoulder.y) / 2) * height - shoulders * 0.6
    side = shoulders * 0.8
  } else if (box) {
    const w = (box.right - box.left) * width
    const h = (box.bottom - box.top) * height
    side = Math.min(w, h * 0.35)
    cx = ((box.left + box.right) / 2) * width
    cy = box.top * height + side / 2
  } else return undefined
  if (!(side > 0)) return undefined
  return {
    left: (cx - side / 2) / width,
    top: (cy - side / 2) / height,
    right: (cx + side / 2) / width,
    bottom: (cy + side / 2) / height,
  }
}

/** A box found on the photo turned a quarter, as fractions of the upright one. Pure. */
export function unturnBox(box: Box, clockwise: boolean): Box {
  return clockwise
    ? { left: box.top, top: 1 - box.right, right: box.bottom, bottom: 1 - box.left }
    : { left: 1 - box.bottom, top: box.left, right: 1 - box.top, bottom: box.right }
}

/**
 * The second look for a person lying down, on the photo turned a quarter each way: MoveNet on both
 * turns, then, where it finds no one, the person detector on both (it finds people lying on a bed
 * that MoveNet misses). What the first look that finds someone finds, put back upright.
 */
export async function findLying(
  models: Models,
  small: WorkingImage,
  detail: WorkingImage,
): Promise<{ persons: Person[]; objects: DetectedObject[] }> {
  const turns = [true, false]
  for (const clockwise of turns) {
    const persons = (await models.pose.estimate(quarterTurn(small, clockwise)))
      .filter((p) => p.score >= THRESHOLDS.personScore)
      .map((p) => unturn(p, clockwise))
    if (findPeople({ persons, objects: [] }).length > 0) return { persons, objects: [] }
  }
  for (const clockwise of turns) {
    const image = imageTensor(quarterTurn(detail, clockwise))
    let found: DetectedObject[]
    try {
      found = await models.objects.detect(
        image,
        THRESHOLDS.personBoxScore,
        OBSERVE_LIMITS.maxObjectOverlap,
      )
    } finally {
      image.dispose()
    }
    const objects = found
      .filter((o) => o.label === 'person')
      .map((o) => ({ ...o, box: unturnBox(o.box, clockwise), turned: true as const }))
    if (findPeople({ persons: [], objects }).length > 0) return { persons: [], objects }
  }
  return { persons: [], objects: [] }
}

/**
 * Runs every model on one decoded photo: MoveNet and BlazeFace on the small image, the COCO
 * detector and FaceMesh on the detail image. One image at a time per thread (the backend is
 * single threaded).
 */
export async function observe(models: Models, input: ObserveInput): Promise<Observation> {
  const { small, detail } = input
  const persons = await models.pose.estimate(small)
  const faces = await models.faces.find(
    small,
    OBSERVE_LIMITS.minFoundFaceScore,
    OBSERVE_LIMITS.maxFaceOverlap,
  )
  const image = imageTensor(detail)
  try {
    const objects = await models.objects.detect(
      image,
      OBSERVE_LIMITS.minObjectScore,
      OBSERVE_LIMITS.maxObjectOverlap,
    )
    // No one upright: a second look with the photo turned each way, for a person lying down.
    let people = findPeople({ persons, objects })
    if (people.length === 0) {
      const lying = await findLying(models, small, detail)
      persons.push(...lying.persons)
      objects.push(...lying.objects)
      people = findPeople({ persons, objects })
    }
    // The subject the rules judge (one matcher for both): FaceMesh reads that person's head. Not
    // for someone found lying as a box alone: the top of a lying body's box is not its head.
    const subject = people[0]
    const lyingBox = subject?.turned === true && subject.pose === undefined
    const crop = lyingBox
      ? undefined
      : headCrop(subject?.pose, subject?.box, small.width, small.height)
    const observation: Observation = {
      persons,
      width: small.width,
      height: small.height,
      meanLuma: small.meanLuma,
      luma: lumaGrid(small),
      objects,
      faces,
    }
    if (crop !== undefined) observation.face = await models.face.read(image, crop)
    return observation
  } finally {
    image.dispose()
  }
}

export type { LumaGrid, Observation } from './observation.js'
