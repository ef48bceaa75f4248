import type { Evidence } from '../../types.js'
import { KEYPOINT_NAMES } from '../pose.js'
import { THRESHOLDS } from '../thresholds.js'
import type { Head } from './face.js'
import { round, toBox, type Thresholds } from './geometry.js'
import type { PersonFound } from './people.js'

/**
 * What the gallery draws besides boxes: each counted person's keypoints the rules count as seen,
 * and the square FaceMesh read. Fills `evidence` in place, in `people`'s order. Geometry only: no
 * rule reads it, and the verdict does not depend on it.
 */
export function addDrawnEvidence(
  evidence: Evidence,
  people: readonly PersonFound[],
  head: Head | undefined,
  limits: Thresholds = THRESHOLDS,
): void {
  people.forEach((found, index) => {
    const entry = evidence.people[index]
    const pose = found.pose
    if (entry === undefined || pose === undefined) return
    entry.keypoints = KEYPOINT_NAMES.flatMap((name) => {
      const { x, y, score } = pose.keypoints[name]
      return score >= limits.keypointScore
        ? [{ name, x: round(x, 3), y: round(y, 3), score: round(score) }]
        : []
    })
  })
  if (head !== undefined && evidence.head !== undefined)
    evidence.head.box = toBox(head.reading.crop)
}
