/**
 * Synthetic evidence for the rule tests (not a test file): a person standing in a 600×1000 photo,
 * and builders for what the models see there.
 */
import type { FaceReading } from '../../../../../src/detect/local/face.js'
import type { Box, DetectedObject } from '../../../../../src/detect/local/objects.js'
import type { Observation } from '../../../../../src/detect/local/observation.js'
import {
  KEYPOINT_NAMES,
  type Keypoint,
  type KeypointName,
  type Person,
} from '../../../../../src/detect/local/pose.js'
import type { Head } from '../../../../../src/detect/local/rules/face.js'
import { Body } from '../../../../../src/detect/local/rules/geometry.js'

/** The synthetic photo the rule tests place people in (pixels). */
export const WIDTH = 600
export const HEIGHT = 1000

/** A person standing and facing the camera, head to toe, in a 600×1000 photo (pixel coordinates). */
export const STANDING: Record<KeypointName, [number, number]> = {
  nose: [300, 120],
  leftEye: [315, 105],
  rightEye: [285, 105],
  leftEar: [335, 115],
  rightEar: [265, 115],
  leftShoulder: [380, 220],
  rightShoulder: [220, 220],
  leftElbow: [400, 370],
  rightElbow: [200, 370],
  leftWrist: [410, 500],
  rightWrist: [190, 500],
  leftHip: [350, 480],
  rightHip: [250, 480],
  leftKnee: [345, 700],
  rightKnee: [255, 700],
  leftAnkle: [340, 900],
  rightAnkle: [260, 900],
}

export const box = (left: number, top: number, right: number, bottom: number): Box => ({
  left,
  top,
  right,
  bottom,
})

/** Where the detector finds the standing person, as fractions of the photo. */
export const PERSON_BOX = box(0.3, 0.05, 0.72, 0.95)

export const detected = (label: string, score: number, at: Box): DetectedObject => ({
  label,
  score,
  box: at,
})

/** FaceMesh reading a frontal face in the standing person's head square. */
export function face(
  changes: Partial<FaceReading['pose']> = {},
  score = 0.99,
  crop = box(0.4, 0.05, 0.6, 0.17),
): FaceReading {
  return {
    score,
    crop,
    pixels: 120,
    pose: { yaw: 0, pitch: 5, roll: 0, ...changes },
    noseOffset: 0,
  }
}

/** The standing person as MoveNet reports it: every keypoint seen with score 0.8. */
export function standingPerson(): Person {
  const keypoints = {} as Record<KeypointName, Keypoint>
  for (const name of KEYPOINT_NAMES) {
    const [x, y] = STANDING[name]
    keypoints[name] = { x: x / WIDTH, y: y / HEIGHT, score: 0.8 }
  }
  return { score: 0.8, keypoints }
}

/** A keypoint moved (pixels), or scored (`at` moves it too); unchanged keypoints are seen, 0.8. */
export type Change = [number, number] | { score: number; at?: [number, number] }

/** The standing person with some keypoints changed, as MoveNet reports it (person score `score`). */
export function person(changes: Partial<Record<KeypointName, Change>> = {}, score = 0.8): Person {
  const keypoints = {} as Record<KeypointName, Keypoint>
  for (const name of KEYPOINT_NAMES) {
    const change = changes[name]
    const [x, y] = Array.isArray(change) ? change : (change?.at ?? STANDING[name])
    keypoints[name] = {
      x: x / WIDTH,
      y: y / HEIGHT,
      score: Array.isArray(change) || change === undefined ? 0.8 : change.score,
    }
  }
  return { score, keypoints }
}

/** A MoveNet person's geometry in the synthetic photo. */
export const body = (p: Person): Body => new Body(p, WIDTH, HEIGHT)

/** The head FaceMesh read, wholly inside the photo. */
export const head = (reading: FaceReading): Head => ({ reading, outside: 0 })

/** What MoveNet alone sees (no detector, no FaceMesh): a pose-only observation. */
export const observe = (persons: Person[], meanLuma = 120) => ({
  persons,
  width: WIDTH,
  height: HEIGHT,
  meanLuma,
})

/** What the models see in a photo of the standing person alone; `parts` replaces any of it. */
export function scene(parts: Partial<Observation> = {}): Observation {
  return {
    persons: [standingPerson()],
    width: WIDTH,
    height: HEIGHT,
    meanLuma: 120,
    objects: [detected('person', 0.8, PERSON_BOX)],
    face: face(),
    ...parts,
  }
}
