import { boxArea, intersection, iou, type Box, type DetectedObject } from '../objects.js'
import type { Observation } from '../observation.js'
import type { Person } from '../pose.js'
import { THRESHOLDS } from '../thresholds.js'
import { boxHeight, centre, holds, type Finding, type Thresholds } from './geometry.js'

/** One person counted, by the COCO detector or (where it missed them) by MoveNet or BlazeFace. */
export interface PersonFound {
  box: Box
  score: number
  source: 'detector' | 'pose' | 'face'
  /** The MoveNet person matched to this box, if any. */
  pose?: Person
  /** Found only on the photo turned a quarter: lying down. */
  turned?: true
}

/** The keypoints of a MoveNet person it sees (at or above the keypoint bar). */
const seenKeypoints = (person: Person, limits: Thresholds) =>
  Object.values(person.keypoints).filter((p) => p.score >= limits.keypointScore)

/** Visible keypoints of a MoveNet person, and the box around them. */
export function keypointBox(person: Person, limits: Thresholds = THRESHOLDS): Box | undefined {
  const seen = seenKeypoints(person, limits)
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

/** A person box's length: its height, or across the frame for someone found lying down. */
const personLength = (o: DetectedObject): number =>
  o.turned === true ? o.box.right - o.box.left : boxHeight(o.box)

/** One box mostly inside the other (share of the smaller): one person seen twice. */
function sameBox(a: Box, b: Box, limits: Thresholds): boolean {
  const smaller = Math.min(boxArea(a), boxArea(b))
  return smaller > 0 && intersection(a, b) / smaller > limits.samePersonOverlap
}

/** Share of a person's visible keypoints that fall inside a box. */
function shareInside(person: Person, box: Box, limits: Thresholds): number {
  const seen = seenKeypoints(person, limits)
  if (seen.length === 0) return 0
  return seen.filter((p) => holds(box, p)).length / seen.length
}

/**
 * Everyone in the photo, the subject first: the detector's person boxes (one box mostly inside a
 * bigger one is the same person seen twice), each with the MoveNet person most of whose keypoints
 * it holds; then weak boxes with a pose of their own, MoveNet people no box accounts for, and
 * faces apart from all of them (`facesApart`). Pure.
 */
export function findPeople(
  observation: Pick<Observation, 'persons' | 'objects' | 'faces'>,
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
        personLength(o) >= limits.minPersonHeight,
    )
    .sort((a, b) => b.score - a.score)
  const kept: DetectedObject[] = []
  for (const box of boxes) if (!kept.some((k) => sameBox(k.box, box.box, limits))) kept.push(box)
  const boxed: PersonFound[] = kept.map((o) => ({
    box: o.box,
    score: o.score,
    source: 'detector',
    ...(o.turned === true ? { turned: true as const } : {}),
  }))
  // Pairs matched best first: a box holding all of a pose's keypoints takes it before a box
  // (a mask, a torso) that only lies inside it, whichever the detector scored higher.
  const unclaimed = new Set(poses)
  const pairs = boxed
    .flatMap((person) =>
      poses.map((pose) => ({
        person,
        pose,
        holds: shareInside(pose, person.box, limits),
        share: sameBody(pose, person.box, limits),
      })),
    )
    .filter((pair) => pair.share >= limits.poseInBoxShare)
    .sort((a, b) => b.holds - a.holds || b.share - a.share)
  for (const { person, pose } of pairs) {
    if (person.pose !== undefined || !unclaimed.has(pose)) continue
    person.pose = pose
    unclaimed.delete(pose)
  }
  // A box with no pose of its own lying mostly inside a counted body is part of it (a mask, a bag
  // or a printed face the detector read as a person), not someone found apart from it.
  // The strongest box is no exception: what it lies inside is a body with a pose, which stays.
  const found = boxed.filter(
    (person) =>
      person.pose !== undefined ||
      !boxed.some(
        (other) =>
          other !== person &&
          other.pose !== undefined &&
          intersection(person.box, other.box) / (boxArea(person.box) || 1) > limits.maxShareInBody,
      ),
  )
  // Two weak signals that agree: a person box under the detector's bar holding a MoveNet pose
  // of its own, apart from everyone counted (the rows of a group photo, people in the background).
  const weakBoxes = observation.objects
    .filter(
      (o) =>
        o.label === 'person' &&
        o.score < limits.personBoxScore &&
        boxHeight(o.box) >= limits.minPersonHeight,
    )
    .sort((a, b) => b.score - a.score)
  for (const weak of weakBoxes) {
    const poses = observation.persons.filter(
      (p) =>
        p.score >= limits.weakPoseScore &&
        !found.some((f) => f.pose === p) &&
        seenKeypoints(p, limits).length >= limits.weakPoseKeypoints,
    )
    const best = poses
      .map((pose) => ({ pose, share: shareInside(pose, weak.box, limits) }))
      .sort((a, b) => b.share - a.share)[0]
    if (best === undefined || best.share < limits.poseInBoxShare) continue
    const box = keypointBox(best.pose, limits)
    if (box === undefined) continue
    const apart = found.every((f) => {
      if (f.pose === undefined) return shareInside(best.pose, f.box, limits) < limits.poseInBoxShare
      const theirs = keypointBox(f.pose, limits)
      return theirs === undefined || iou(theirs, box) <= limits.distinctPoseOverlap
    })
    const again = found.some((f) => sameBox(f.box, weak.box, limits))
    if (!apart || again) continue
    unclaimed.delete(best.pose)
    found.push({ box: weak.box, score: weak.score, source: 'detector', pose: best.pose })
  }
  for (const pose of unclaimed) {
    const box = keypointBox(pose, limits)
    if (box === undefined || pose.score < limits.extraPoseScore) continue
    // Measured along the longer side where that is the person's length: a person lying down
    // (found on the turned photo) lies across the frame, and a close-up whose body MoveNet cannot
    // see shows a head (nose and eyes seen) wider than tall. Else a flat row of keypoints (arms
    // read apart from their body) would count as someone.
    const head = FACE_KEYPOINTS.every((k) => pose.keypoints[k].score >= limits.keypointScore)
    const length =
      pose.turned === true || head ? Math.max(box.right - box.left, boxHeight(box)) : boxHeight(box)
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
  return [...found, ...facesApart(observation, found, limits)]
}

const FACE_KEYPOINTS = ['nose', 'leftEye', 'rightEye'] as const

/**
 * Faces found apart from everyone counted: people behind the subject whom the person detector
 * scored under its bar. A face counts where a second signal of someone else's agrees (a person box
 * of any kept score, not one around a counted person, holding it; or a seen nose or eye of a
 * MoveNet person not counted, at it) and it is no taller than the subject's own face (someone
 * behind the subject is further away; a larger face nobody's box holds is more likely a picture or
 * a pattern). Without a face of the subject's to compare with, none counts. Pure.
 */
export function facesApart(
  observation: Pick<Observation, 'persons' | 'objects' | 'faces'>,
  found: readonly PersonFound[],
  limits: Thresholds = THRESHOLDS,
): PersonFound[] {
  const subject = found[0]
  const faces = observation.faces ?? []
  if (subject === undefined) return []
  const own = faces
    .filter((f) => holds(subject.box, centre(f.box)))
    .sort((a, b) => b.score - a.score)[0]
  if (own === undefined) return []
  // The second signal must be someone else's: not a counted person's pose, nor a box around one
  // (IoU, not the share of the smaller box: a second person overlapping the subject, an acrobat
  // on another's shoulders, has a box mostly inside theirs). Any pose score: a head alone in the
  // background is a low-scored MoveNet person whose nose and eyes are still seen.
  const others = {
    poses: observation.persons.filter((p) => !found.some((f) => f.pose === p)),
    boxes: (observation.objects ?? [])
      .filter(
        (o) =>
          o.label === 'person' &&
          found.every((f) => iou(o.box, f.box) <= limits.distinctPoseOverlap),
      )
      .map((o) => o.box),
  }
  const counted: PersonFound[] = []
  for (const face of faces) {
    const at = centre(face.box)
    if ([...found, ...counted].some((f) => holds(f.box, at))) continue
    if (boxHeight(face.box) > boxHeight(own.box) * limits.maxFaceToSubjectFace) continue
    const width = face.box.right - face.box.left
    const height = boxHeight(face.box)
    const near = (p: { x: number; y: number; score: number }) =>
      p.score >= limits.headKeypointScore &&
      Math.abs(p.x - at.x) <= width &&
      Math.abs(p.y - at.y) <= height
    const boxed = others.boxes.some((b) => holds(b, at))
    const posed = others.poses.some((p) => FACE_KEYPOINTS.some((k) => near(p.keypoints[k])))
    if (boxed || posed) counted.push({ box: face.box, score: face.score, source: 'face' })
  }
  return counted
}

/** Someone found only on the photo turned a quarter lies down: the pose cannot be a standing one. */
export function lyingDown(subject: PersonFound | undefined): Finding | undefined {
  if (subject?.turned !== true && subject?.pose?.turned !== true) return undefined
  return {
    code: 'InvalidFile.BodyPose',
    message: 'The person seems to lie down; stand upright, facing the camera.',
  }
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
