import * as tf from '@tensorflow/tfjs-core'
import type { GraphModel } from '@tensorflow/tfjs-converter'
import { loadGraph } from './graph.js'

/** The 80 COCO classes, in the order the detector numbers them. */
export const COCO_LABELS = [
  'person', 'bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train', 'truck', 'boat',
  'traffic light', 'fire hydrant', 'stop sign', 'parking meter', 'bench', 'bird', 'cat', 'dog',
  'horse', 'sheep', 'cow', 'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella',
  'handbag', 'tie', 'suitcase', 'frisbee', 'skis', 'snowboard', 'sports ball', 'kite',
  'baseball bat', 'baseball glove', 'skateboard', 'surfboard', 'tennis racket', 'bottle',
  'wine glass', 'cup', 'fork', 'knife', 'spoon', 'bowl', 'banana', 'apple', 'sandwich', 'orange',
  'broccoli', 'carrot', 'hot dog', 'pizza', 'donut', 'cake', 'chair', 'couch', 'potted plant',
  'bed', 'dining table', 'toilet', 'tv', 'laptop', 'mouse', 'remote', 'keyboard', 'cell phone',
  'microwave', 'oven', 'toaster', 'sink', 'refrigerator', 'book', 'clock', 'vase', 'scissors',
  'teddy bear', 'hair drier', 'toothbrush',
] as const // prettier-ignore

/** Box edges as fractions of the image width (x) and height (y). */
export interface Box {
  left: number
  top: number
  right: number
  bottom: number
}

export interface DetectedObject {
  label: string
  score: number
  box: Box
  /** Found on the photo turned a quarter (a person lying down), the box put back upright. */
  turned?: true
}

export const boxArea = (b: Box): number =>
  Math.max(0, b.right - b.left) * Math.max(0, b.bottom - b.top)

export function intersection(a: Box, b: Box): number {
  return boxArea({
    left: Math.max(a.left, b.left),
    top: Math.max(a.top, b.top),
    right: Math.min(a.right, b.right),
    bottom: Math.min(a.bottom, b.bottom),
  })
}

export function iou(a: Box, b: Box): number {
  const shared = intersection(a, b)
  return shared === 0 ? 0 : shared / (boxArea(a) + boxArea(b) - shared)
}

/** Greedy non-maximum suppression within each label (unlabelled boxes are one kind). Pure. */
export function suppress<T extends { score: number; box: Box; label?: string }>(
  objects: T[],
  maxIou: number,
): T[] {
  const kept: T[] = []
  for (const object of [...objects].sort((a, b) => b.score - a.score)) {
    if (!kept.some((k) => k.label === object.label && iou(k.box, object.box) > maxIou))
      kept.push(object)
  }
  return kept
}

/**
 * CenterNet (MobileNetV3 backbone, COCO): people and the things they hold, in one pass. Its
 * output is already decoded: up to 100 rows of (x1, y1, x2, y2, score, class) in input pixels.
 */
export class ObjectModel {
  private constructor(
    private readonly model: GraphModel,
    private readonly size: number,
  ) {}

  /** `size`: the square input side in pixels, a multiple of 32 (see `centerNetAtSize`). */
  static async load(modelsFolder: string, size: number): Promise<ObjectModel> {
    const model = await loadGraph(modelsFolder, 'centernet', (artifacts) =>
      centerNetAtSize(artifacts, size),
    )
    return new ObjectModel(model, size)
  }

  /**
   * `image` is a float32 RGB tensor `[H, W, 3]` with values 0–255; it is stretched to the model's
   * square input, as the model was trained.
   */
  async detect(image: tf.Tensor3D, minScore: number, maxIou: number): Promise<DetectedObject[]> {
    const size = this.size
    const output = tf.tidy(() => {
      const input = tf.expandDims(tf.image.resizeBilinear(image, [size, size]), 0)
      return this.model.execute(input, 'tower_0/detections') as tf.Tensor
    })
    const rows = ((await output.array()) as number[][][])[0] ?? []
    output.dispose()
    const objects: DetectedObject[] = []
    for (const [x1 = 0, y1 = 0, x2 = 0, y2 = 0, score = 0, label = -1] of rows) {
      const name = COCO_LABELS[label]
      if (name === undefined || !(score >= minScore)) continue
      const clamp = (v: number) => Math.min(1, Math.max(0, v / size))
      objects.push({
        label: name,
        score,
        box: { left: clamp(x1), top: clamp(y1), right: clamp(x2), bottom: clamp(y2) },
      })
    }
    return suppress(objects, maxIou)
  }
}

const CENTERNET_INPUT = 'tower_0/images'
/** The input side the model was converted for, which its stored constants belong to. */
const CENTERNET_CONVERTED_SIZE = 512
/** CenterNet's size-bound constants (folded by the converter) and their value at `size`. */
const CENTERNET_SIZE_CONSTANTS: Record<string, (size: number) => number[]> = {
  'tower_0/CenternetHead/c5_upsample/up_sampling2d/mul': (size) => [size / 16, size / 16],
  'tower_0/CenternetHead/c4_upsample/up_sampling2d_1/mul': (size) => [size / 8, size / 8],
  'tower_0/CenternetHead/c3_upsample/up_sampling2d_2/mul': (size) => [size / 4, size / 4],
  /** The output grid's width, for turning a flat peak index into a row and column. */
  'tower_0/strided_slice_6': (size) => [size / 4],
  /** The box-size map flattened to (cells, 4). */
  'tower_0/BatchGather/concat': (size) => [(size / 4) ** 2, 4],
}

/**
 * The same CenterNet for a square input of `size` pixels instead of 512. The network is fully
 * convolutional, but the converter froze the input shape, the three upsampling sizes and the
 * decoder's grid width as constants; this rewrites those (and nothing else: the weights are the
 * same). Fewer pixels cost less: 384 px takes about half the time of 512 px. Pure: returns new
 * artifacts; throws if the model is not the one these constants belong to.
 */
export function centerNetAtSize(
  artifacts: tf.io.ModelArtifacts,
  size: number,
): tf.io.ModelArtifacts {
  if (!Number.isInteger(size / 32) || size <= 0)
    throw new Error(`CenterNet's input size must be a positive multiple of 32, not ${size}`)
  const topology = structuredClone(artifacts.modelTopology) as {
    node?: {
      name: string
      op: string
      attr?: { shape?: { shape?: { dim?: { size: string }[] } } }
    }[]
  }
  const dims = [1, size, size, 3].map((d) => ({ size: String(d) }))
  const input = topology.node?.find((n) => n.name === CENTERNET_INPUT && n.op === 'Placeholder')
  if (input?.attr?.shape?.shape?.dim === undefined)
    throw new Error(`the CenterNet model has no input ${CENTERNET_INPUT}`)
  input.attr.shape.shape.dim = dims
  const signature: { inputs?: Record<string, { tensorShape?: { dim?: { size: string }[] } }> } =
    structuredClone(artifacts.signature ?? {})
  const signed = signature.inputs?.[CENTERNET_INPUT]?.tensorShape
  if (signed !== undefined) signed.dim = dims

  const specs = artifacts.weightSpecs ?? []
  const source = artifacts.weightData
  if (source === undefined || Array.isArray(source))
    throw new Error('the CenterNet weights are not one buffer')
  const data = source.slice(0)
  const view = new DataView(data)
  let offset = 0
  const rewritten = new Set<string>()
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1)
    const width = spec.quantization ? (spec.quantization.dtype === 'uint8' ? 1 : 2) : 4
    const values = CENTERNET_SIZE_CONSTANTS[spec.name]?.(size)
    if (values !== undefined) {
      const original = CENTERNET_SIZE_CONSTANTS[spec.name]?.(CENTERNET_CONVERTED_SIZE) ?? []
      const stored = original.map((_, i) => view.getInt32(offset + 4 * i, true))
      if (spec.dtype !== 'int32' || count !== values.length || stored.join() !== original.join())
        throw new Error(`the CenterNet constant ${spec.name} is not the expected one`)
      values.forEach((value, i) => view.setInt32(offset + 4 * i, value, true))
      rewritten.add(spec.name)
    }
    offset += count * width
  }
  const missing = Object.keys(CENTERNET_SIZE_CONSTANTS).filter((name) => !rewritten.has(name))
  if (missing.length > 0) throw new Error(`the CenterNet model lacks ${missing.join(', ')}`)
  return { ...artifacts, modelTopology: topology, signature, weightData: data }
}
