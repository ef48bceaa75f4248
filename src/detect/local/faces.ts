import * as tf from '@tensorflow/tfjs-core'
import type { GraphModel } from '@tensorflow/tfjs-converter'
import type { WorkingImage } from './decode.js'
import { imageTensor, loadGraph } from './graph.js'
import { suppress, type Box } from './objects.js'

/** A face BlazeFace found anywhere in the photo: its box as fractions of the image, its score. */
export interface FoundFace {
  box: Box
  score: number
}

/**
 * BlazeFace's anchors for a square input of `size` pixels: two per cell of the size/16 grid, then
 * six per cell of the size/8 grid, each at its cell's centre (MediaPipe's SSD anchors, fixed
 * sizes). 896 for 256 px. Pure.
 */
export function faceAnchors(size: number): [number, number][] {
  const anchors: [number, number][] = []
  for (const [stride, perCell] of [
    [size / 16, 2],
    [size / 8, 6],
  ] as const) {
    const cells = Math.ceil(size / stride)
    for (let y = 0; y < cells; y++)
      for (let x = 0; x < cells; x++)
        for (let n = 0; n < perCell; n++) anchors.push([stride * (x + 0.5), stride * (y + 0.5)])
  }
  return anchors
}

/**
 * Faces from BlazeFace's raw rows (per anchor: score logit, centre offset x y, width, height in
 * input pixels, then landmarks), kept at or above `minScore` and thinned by non-maximum
 * suppression. `scale` turns input pixels into fractions of the photo's width and height. Pure.
 */
export function decodeFaces(
  rows: Float32Array,
  columns: number,
  anchors: readonly [number, number][],
  scale: { x: number; y: number },
  minScore: number,
  maxOverlap: number,
): FoundFace[] {
  if (rows.length !== anchors.length * columns)
    throw new Error(
      `BlazeFace gave ${rows.length} values for ${anchors.length} anchors of ${columns}: not the model this was written for.`,
    )
  const candidates: FoundFace[] = []
  anchors.forEach(([ax, ay], i) => {
    const at = i * columns
    const score = 1 / (1 + Math.exp(-(rows[at] ?? -Infinity)))
    if (!(score >= minScore)) return
    const cx = (rows[at + 1] ?? 0) + ax
    const cy = (rows[at + 2] ?? 0) + ay
    const w = Math.abs(rows[at + 3] ?? 0)
    const h = Math.abs(rows[at + 4] ?? 0)
    candidates.push({
      score,
      box: {
        left: (cx - w / 2) * scale.x,
        top: (cy - h / 2) * scale.y,
        right: (cx + w / 2) * scale.x,
        bottom: (cy + h / 2) * scale.y,
      },
    })
  })
  return suppress(candidates, maxOverlap)
}

/**
 * MediaPipe BlazeFace, back-camera model (256 px input, made for small and distant faces): every
 * face in the photo, so that people the person detector misses still count.
 */
export class FaceFinder {
  static readonly size = 256
  private readonly anchors = faceAnchors(FaceFinder.size)
  private constructor(private readonly model: GraphModel) {}

  static async load(modelsFolder: string): Promise<FaceFinder> {
    return new FaceFinder(await loadGraph(modelsFolder, 'blazeface-back'))
  }

  /** Faces in `image` (padded to a square at its bottom and right, so that none is stretched). */
  async find(image: WorkingImage, minScore: number, maxOverlap: number): Promise<FoundFace[]> {
    const size = FaceFinder.size
    const side = Math.max(image.width, image.height)
    const rows = tf.tidy(() => {
      const pixels = imageTensor(image)
      const square = tf.pad(pixels, [
        [0, side - image.height],
        [0, side - image.width],
        [0, 0],
      ])
      const sized = side === size ? square : tf.image.resizeBilinear(square, [size, size])
      const input = tf.expandDims(tf.sub(tf.div(sized, 127.5), 1), 0)
      // Four outputs: scores and boxes for the 512 fine anchors and the 384 coarse ones.
      const outputs = [...(this.model.execute(input) as tf.Tensor[])].sort(
        (a, b) => a.size - b.size,
      )
      const [coarseScores, fineScores, coarseBoxes, fineBoxes] = outputs as [
        tf.Tensor3D,
        tf.Tensor3D,
        tf.Tensor3D,
        tf.Tensor3D,
      ]
      return tf.squeeze(
        tf.concat(
          [tf.concat([fineScores, fineBoxes], 2), tf.concat([coarseScores, coarseBoxes], 2)],
          1,
        ),
        [0],
      )
    })
    const columns = rows.shape[1] ?? 17
    const data = (await rows.data()) as Float32Array
    rows.dispose()
    const k = side / size
    const clamp = (v: number) => Math.min(1, Math.max(0, v))
    // Faces cut by the frame reach into the padding: keep the part inside the photo.
    return decodeFaces(
      data,
      columns,
      this.anchors,
      { x: k / image.width, y: k / image.height },
      minScore,
      maxOverlap,
    ).map(({ box, score }) => ({
      score,
      box: {
        left: clamp(box.left),
        top: clamp(box.top),
        right: clamp(box.right),
        bottom: clamp(box.bottom),
      },
    }))
  }
}
