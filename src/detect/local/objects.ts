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

/** Greedy non-maximum suppression within each label. Pure. */
export function suppress(objects: DetectedObject[], maxIou: number): DetectedObject[] {
  const kept: DetectedObject[] = []
  for (const object of [...objects].sort((a, b) => b.score - a.score)) {
    if (!kept.some((k) => k.label === object.label && iou(k.box, object.box) > maxIou))
      kept.push(object)
  }
  return kept
}

/** Softmax expectation over one side's distance bins (NanoDet's distribution-focal head). */
function expectedBin(values: number[], from: number, bins: number): number {
  let max = -Infinity
  for (let i = 0; i < bins; i++) max = Math.max(max, values[from + i] ?? 0)
  let sum = 0
  let weighted = 0
  for (let i = 0; i < bins; i++) {
    const e = Math.exp((values[from + i] ?? 0) - max)
    sum += e
    weighted += e * i
  }
  return weighted / sum
}

/**
 * NanoDet-m (ShuffleNetV2 backbone, COCO) at 416 px: three heads (strides 8, 16, 32), each with
 * 80 class scores and 4 × 11 distance bins per cell.
 */
export class NanoDetModel {
  static readonly size = 416
  private constructor(private readonly model: GraphModel) {}

  static async load(modelsFolder: string): Promise<NanoDetModel> {
    return new NanoDetModel(await loadGraph(modelsFolder, 'nanodet'))
  }

  async detect(image: tf.Tensor3D, minScore: number, maxIou: number): Promise<DetectedObject[]> {
    const size = NanoDetModel.size
    const outputs = tf.tidy(() => {
      const resized = tf.image.resizeBilinear(image, [size, size])
      const input = tf.transpose(tf.expandDims(tf.div(resized, 255), 0), [0, 3, 1, 2])
      return this.model.execute(input) as tf.Tensor[]
    })
    const objects: DetectedObject[] = []
    for (const grid of [52, 26, 13]) {
      const cells = grid * grid
      const scoresT = outputs.find((t) => t.shape[1] === cells && t.shape[2] === COCO_LABELS.length)
      const boxesT = outputs.find((t) => t.shape[1] === cells && t.shape[2] !== COCO_LABELS.length)
      if (scoresT === undefined || boxesT === undefined) continue
      const scores = await scoresT.data()
      const boxes = await boxesT.data()
      const bins = (boxesT.shape[2] ?? 44) / 4
      const stride = size / grid
      for (let cell = 0; cell < cells; cell++) {
        for (let label = 0; label < COCO_LABELS.length; label++) {
          const score = scores[cell * COCO_LABELS.length + label] ?? 0
          if (!(score >= minScore)) continue
          const row = Array.from(boxes.subarray(cell * bins * 4, (cell + 1) * bins * 4))
          const cx = ((cell % grid) + 0.5) * stride
          const cy = (Math.floor(cell / grid) + 0.5) * stride
          const [l, t, r, b] = [0, 1, 2, 3].map(
            (side) => expectedBin(row, side * bins, bins) * stride,
          )
          const clamp = (v: number) => Math.min(1, Math.max(0, v / size))
          objects.push({
            label: COCO_LABELS[label] ?? 'unknown',
            score,
            box: {
              left: clamp(cx - (l ?? 0)),
              top: clamp(cy - (t ?? 0)),
              right: clamp(cx + (r ?? 0)),
              bottom: clamp(cy + (b ?? 0)),
            },
          })
        }
      }
    }
    for (const t of outputs) t.dispose()
    return suppress(objects, maxIou)
  }
}

/**
 * CenterNet (MobileNetV3 backbone, COCO): people and the things they hold, in one pass. Its
 * output is already decoded: up to 100 rows of (x1, y1, x2, y2, score, class) in input pixels.
 */
export class ObjectModel {
  private constructor(private readonly model: GraphModel) {}

  static async load(modelsFolder: string): Promise<ObjectModel> {
    return new ObjectModel(await loadGraph(modelsFolder, 'centernet'))
  }

  /**
   * `image` is a float32 RGB tensor `[H, W, 3]` with values 0–255; it is stretched to a square of
   * `size` pixels, as the model was trained.
   */
  async detect(
    image: tf.Tensor3D,
    size: number,
    minScore: number,
    maxIou: number,
  ): Promise<DetectedObject[]> {
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
