import type { KeypointName } from '../../../../src/detect/local/pose.js'

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
