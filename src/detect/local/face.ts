import * as tf from '@tensorflow/tfjs-core'
import type { GraphModel } from '@tensorflow/tfjs-converter'
import type { Box } from './objects.js'
import { loadGraph } from './graph.js'

/**
 * Head rotation in degrees: yaw left/right, pitch down (positive) or up (negative), roll tilt;
 * 0 0 0 faces the camera.
 */
export interface HeadPose {
  yaw: number
  pitch: number
  roll: number
}

export interface FaceReading {
  /** FaceMesh's own confidence that the crop holds a face (0–1). */
  score: number
  /** The square crop it looked at, as fractions of the image (may reach past the edges). */
  crop: Box
  /** The crop's side in pixels of the image FaceMesh read it from (small faces read poorly). */
  pixels: number
  pose: HeadPose
  /**
   * Nose tip across the face: its offset from the cheeks' midpoint over half the cheek-to-cheek
   * width, in the picture plane (0 frontal, ±1 at a cheek: a profile).
   */
  noseOffset: number
}

type Vector = [number, number, number]

const sub = (a: Vector, b: Vector): Vector => [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
const cross = (a: Vector, b: Vector): Vector => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
]
function normalise(v: Vector): Vector {
  const length = Math.hypot(v[0], v[1], v[2]) || 1
  return [v[0] / length, v[1] / length, v[2] / length]
}
const degrees = (radians: number): number => (radians * 180) / Math.PI

/** FaceMesh landmarks: forehead top, chin, right cheek edge, left cheek edge (the image's left first). */
const FOREHEAD = 10
const CHIN = 152
const CHEEK_A = 234
const CHEEK_B = 454
const NOSE_TIP = 1

/** The nose tip's offset between the cheeks (see `FaceReading.noseOffset`). Pure. */
export function noseOffset(mesh: readonly Vector[]): number {
  const at = (i: number): Vector => mesh[i] ?? [0, 0, 0]
  const a = at(CHEEK_A)
  const b = at(CHEEK_B)
  const half = Math.hypot(b[0] - a[0], b[1] - a[1]) / 2
  if (half === 0) return 0
  const axis = [(b[0] - a[0]) / (2 * half), (b[1] - a[1]) / (2 * half)] as const
  const nose = at(NOSE_TIP)
  const along = (nose[0] - (a[0] + b[0]) / 2) * axis[0] + (nose[1] - (a[1] + b[1]) / 2) * axis[1]
  return along / half
}

/**
 * Head pose from four FaceMesh landmarks (x, y, z in one scale): the face's vertical axis runs
 * forehead to chin, its horizontal axis cheek to cheek; their frame's Euler angles (YZX). Pure.
 */
export function headPose(mesh: readonly Vector[]): HeadPose {
  const at = (i: number): Vector => mesh[i] ?? [0, 0, 0]
  const yAxis = normalise(sub(at(CHIN), at(FOREHEAD)))
  let xAxis = normalise(sub(at(CHEEK_B), at(CHEEK_A)))
  const zAxis = normalise(cross(xAxis, yAxis))
  xAxis = cross(yAxis, zAxis)
  const [r00, r10, r20] = [xAxis[0], yAxis[0], zAxis[0]]
  const [r11, r12] = [yAxis[1], yAxis[2]]
  const roll = Math.atan2(r10, Math.hypot(r00, r20))
  const yaw = Math.atan2(-r20, r00)
  const pitch = Math.atan2(-r12, r11)
  return { yaw: -degrees(yaw), pitch: -degrees(pitch), roll: -degrees(roll) }
}

/** MediaPipe FaceMesh (468 landmarks) on a square head crop; its face flag says whether a face is there. */
export class FaceModel {
  static readonly size = 192
  private constructor(private readonly model: GraphModel) {}

  static async load(modelsFolder: string): Promise<FaceModel> {
    return new FaceModel(await loadGraph(modelsFolder, 'facemesh'))
  }

  /** `image` is float32 RGB `[H, W, 3]`, 0–255; `crop` a square in image fractions. */
  async read(image: tf.Tensor3D, crop: Box): Promise<FaceReading> {
    const size = FaceModel.size
    const outputs = tf.tidy(() => {
      const batch = tf.expandDims<tf.Tensor4D>(image, 0)
      const box = tf.tensor2d([[crop.top, crop.left, crop.bottom, crop.right]])
      const input = tf.div(tf.image.cropAndResize(batch, box, [0], [size, size]), 255)
      return this.model.execute(input) as tf.Tensor[]
    })
    const flag = outputs.find((t) => t.shape[t.shape.length - 1] === 1)
    const meshT = outputs.find((t) => t.shape[t.shape.length - 1] === 1404)
    const score = flag === undefined ? 0 : ((await flag.data())[0] ?? 0)
    const raw = meshT === undefined ? new Float32Array(0) : await meshT.data()
    for (const t of outputs) t.dispose()
    const [height, width] = image.shape
    // Landmarks come in crop pixels (z in the same scale as x); into one pixel scale of the image.
    const sx = ((crop.right - crop.left) * width) / size
    const sy = ((crop.bottom - crop.top) * height) / size
    const mesh: Vector[] = []
    for (let i = 0; i + 2 < raw.length; i += 3)
      mesh.push([(raw[i] ?? 0) * sx, (raw[i + 1] ?? 0) * sy, (raw[i + 2] ?? 0) * sx])
    const ready = mesh.length > CHEEK_B
    return {
      score,
      crop,
      pixels: Math.round((crop.right - crop.left) * width),
      pose: ready ? headPose(mesh) : { yaw: 0, pitch: 0, roll: 0 },
      noseOffset: ready ? noseOffset(mesh) : 0,
    }
  }
}
