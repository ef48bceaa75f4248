import * as tf from '@tensorflow/tfjs-core'
import type { GraphModel } from '@tensorflow/tfjs-converter'
import { loadGraph, useWasmBackend } from './graph.js'
import type { WorkingImage } from './decode.js'

export const KEYPOINT_NAMES = [
  'nose',
  'leftEye',
  'rightEye',
  'leftEar',
  'rightEar',
  'leftShoulder',
  'rightShoulder',
  'leftElbow',
  'rightElbow',
  'leftWrist',
  'rightWrist',
  'leftHip',
  'rightHip',
  'leftKnee',
  'rightKnee',
  'leftAnkle',
  'rightAnkle',
] as const

export type KeypointName = (typeof KEYPOINT_NAMES)[number]

/** Coordinates are fractions of the image width (x) and height (y); 0–1 inside the frame. */
export interface Keypoint {
  x: number
  y: number
  score: number
}

export interface Person {
  score: number
  keypoints: Record<KeypointName, Keypoint>
  /** Found on the photo turned a quarter (a person lying down), keypoints put back upright. */
  turned?: boolean
}

/** MoveNet MultiPose on the TF.js WebAssembly backend: up to six people per image. */
export class PoseModel {
  private constructor(private readonly model: GraphModel) {}

  static async load(modelsFolder: string, wasmFolder: string): Promise<PoseModel> {
    await useWasmBackend(wasmFolder)
    return new PoseModel(await loadGraph(modelsFolder, 'movenet-multipose'))
  }

  /** Runs the model on an RGB image (any size; padded to multiples of 32 as the model needs). */
  async estimate(image: WorkingImage): Promise<Person[]> {
    const paddedWidth = Math.ceil(image.width / 32) * 32
    const paddedHeight = Math.ceil(image.height / 32) * 32
    const output = tf.tidy(() => {
      const pixels = tf.tensor3d(image.rgb, [image.height, image.width, 3], 'int32')
      const padded = tf.pad(pixels, [
        [0, paddedHeight - image.height],
        [0, paddedWidth - image.width],
        [0, 0],
      ])
      return this.model.execute(tf.expandDims(padded, 0)) as tf.Tensor
    })
    const rows = (await output.array()) as number[][][]
    output.dispose()
    const scaleX = paddedWidth / image.width
    const scaleY = paddedHeight / image.height
    return (rows[0] ?? []).map((row) => {
      const keypoints = Object.fromEntries(
        KEYPOINT_NAMES.map((name, i) => [
          name,
          {
            y: (row[i * 3] ?? 0) * scaleY,
            x: (row[i * 3 + 1] ?? 0) * scaleX,
            score: row[i * 3 + 2] ?? 0,
          },
        ]),
      ) as Record<KeypointName, Keypoint>
      return { score: row[55] ?? 0, keypoints }
    })
  }
}
