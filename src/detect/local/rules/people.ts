import { boxArea, intersection, iou, type Box, type DetectedObject } from '../objects.js'
import type { Observation } from '../observation.js'
import type { Person } from '../pose.js'
import { THRESHOLDS } from '../thresholds.js'
import { boxHeight, type Finding, type Thresholds } from './geometry.js'

/** One person counted, by the COCO detector or (where it missed them) by MoveNet. */
export interface PersonFound {
  box: Box
  score: number
  source: 'detector' | 'pose'
  /** The MoveNet person matched to this box, if any. */
  pose?: Person
}

/** Visible keypoints of a MoveNet person, and the box around them. */
export function keypointBox(person: Person, limits: Thresholds = THRESHOLDS): Box | undefined {
  const seen = Object.values(person.keypoints).filter((p) => p.score >= limits.keypointScore)
  if (seen.length === 0) return undefined
  return {
    left: Math.min(...seen.map((p) => p.x)),
    top: Math.min(...seen.map((p) => p.y)),
    right: Math.max(...seen.map((p) => p.x)),
    bottom: Math.max(...seen.map((p) => p.y)),
  }
}

/**
 * How far a MoveNet person and a detector box are one body: the share of its keypoints inside the
 * box, or of the box inside its keypoints' box (a box around part of a body, e.g. the torso).
 */
function sameBody(person: Person, box: Box, limits: Thresholds): number {
  const around = keypointBox(person, limits)
  const boxInside =
    around === undefined || boxArea(box) === 0 ? 0 : intersection(box, around) / boxArea(box)
  return Math.max(shareInside(person, box, limits), boxInside)
}

/** Share of a person's visible keypoints that fall inside a box. */
function shareInside(person: Person, box: Box, limits: Thresholds): number {
  const seen = Object.values(person.keypoints).filter((p) => p.score >= limits.keypointScore)
  if (seen.length === 0) return 0
  const inside = seen.filter(
    (p) => p.x >= box.left && p.x <= box.right && p.y >= box.top && p.y <= box.bottom,
  )
  return inside.length / seen.length
}

/**
 * Everyone in the photo: the detector's person boxes (one box mostly inside a bigger one is the
 * same person seen twice), then MoveNet people no box accounts for. Each box takes the MoveNet
 * person most of whose keypoints it holds. Pure.
 */
export function findPeople(
  observation: Pick<Observation, 'persons' | 'objects'>,
  limits: Thresholds = THRESHOLDS,
): PersonFound[] {
  const poses = observation.persons.filter((p) => p.score >= limits.personScore)
  if (observation.objects === undefined) {
    return poses.flatMap((pose) => {
      const box = keypointBox(pose, limits)
      return box ? [{ box, score: pose.score, source: 'pose' as const, pose }] : []
    })
  }
  const boxes = observation.objects
    .filter(
      (o) =>
        o.label === 'person' &&
        o.score >= limits.personBoxScore &&
        boxHeight(o.box) >= limits.minPersonHeight,
    )
    .sort((a, b) => b.score - a.score)
  const kept: DetectedObject[] = []
  for (const box of boxes) {
    const duplicate = kept.some((k) => {
      const shared = intersection(k.box, box.box)
      const smaller = Math.min(boxArea(k.box), boxArea(box.box))
      return smaller > 0 && shared / smaller > limits.samePersonOverlap
    })
    if (!duplicate) kept.push(box)
  }
  const boxed: PersonFound[] = kept.map((o) => ({ box: o.box, score: o.score, source: 'detector' }))
  const unclaimed = new Set(poses)
  for (const person of boxed) {
    const best = [...unclaimed]
      .map((pose) => ({ pose, share: sameBody(pose, person.box, limits) }))
      .sort((a, b) => b.share - a.share)[0]
    if (best !== undefined && best.share >= limits.poseInBoxShare) {
      person.pose = best.pose
      unclaimed.delete(best.pose)
    }
  }
  // A box with no pose of its own lying mostly inside a counted body is part of it (a mask, a bag
  // or a printed face the detector read as a person), not someone found apart from it.
  const found = boxed.filter(
    (person, i) =>
      i === 0 ||
      person.pose !== undefined ||
      !boxed.some(
        (other) =>
          other !== person &&
          other.pose !== undefined &&
          intersection(person.box, other.box) / (boxArea(person.box) || 1) > limits.maxShareInBody,
      ),
  )
  for (const pose of unclaimed) {
    const box = keypointBox(pose, limits)
    if (box === undefined || pose.score < limits.extraPoseScore) continue
    // A person lying down (found on the turned photo) is measured along the body, across the frame.
    const length = pose.turned === true ? box.right - box.left : boxHeight(box)
    if (length < limits.minPersonHeight) continue
    // Inside a counted person's box, a second pose is that person's limbs read twice, unless its
    // keypoints lie apart from theirs (two people standing close share one box).
    const twice = found.some((f) => {
      if (shareInside(pose, f.box, limits) < limits.poseInBoxShare) return false
      const theirs = f.pose === undefined ? undefined : keypointBox(f.pose, limits)
      return theirs === undefined || iou(theirs, box) > limits.distinctPoseOverlap
    })
    if (!twice) found.push({ box, score: pose.score, source: 'pose', pose })
  }
  return found
}

export function countPeople(people: PersonFound[]): Finding | undefined {
  if (people.length === 0)
    return { code: 'InvalidFile.Content', message: 'No person was found in the photo.' }
  if (people.length > 1) {
    return {
      code: 'InvalidFile.Content',
      message: `${people.length} people were found; the photo must show exactly one.`,
    }
  }
  return undefined
}
