import type { Person } from './pose.js'
import type { DetectedObject } from './objects.js'
import type { FaceReading } from './face.js'
import type { FoundFace } from './faces.js'

/** What the models saw in one photo. Plain data (JSON-serialisable); the rules read only this. */
export interface Observation {
  /** MoveNet people (keypoints as fractions of the image). */
  persons: Person[]
  /** Pixel size of the pose image: fractions are scaled by it for true angles. */
  width: number
  height: number
  meanLuma: number
  /** Mean luma per cell of a coarse grid over the photo, so light can be read on the person. */
  luma?: LumaGrid
  /** COCO detections (people and things), boxes as fractions of the image. */
  objects?: DetectedObject[]
  /** BlazeFace: every face in the photo (absent from observations made before it ran). */
  faces?: FoundFace[]
  /** FaceMesh on the subject's head, when a subject was found. */
  face?: FaceReading
}

/** Mean luma (0–255, Rec. 601) of each cell of a grid laid over the image, row by row. */
export interface LumaGrid {
  columns: number
  rows: number
  values: number[]
}
