import { THRESHOLDS } from '../thresholds.js'
import type { Finding, Thresholds } from './geometry.js'

/** Checked last: darkness matters only when nothing else already fails the photo. */
export function tooDark(meanLuma: number, limits: Thresholds = THRESHOLDS): Finding | undefined {
  if (meanLuma >= limits.minMeanLuma) return undefined
  return {
    code: 'InvalidFile.BodyPose',
    message: `The photo is too dark to verify the pose (mean brightness ${Math.round(meanLuma)} of 255); use more light.`,
  }
}
