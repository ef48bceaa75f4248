import type { Bodystyle, Detection, Evidence, EvidenceBox } from '../types.js'
import type { FaceReading } from './face.js'
import { boxArea, intersection, iou, type Box, type DetectedObject } from './objects.js'
import type { Observation } from './observe.js'
import { KEYPOINT_NAMES, type Keypoint, type KeypointName, type Person } from './pose.js'
import { THRESHOLDS } from './thresholds.js'

export type { Observation } from './observe.js'

export interface Finding {
  code: 'InvalidFile.Content' | 'InvalidFile.BodyPose' | 'InvalidFile.FacePose'
  message: string
}

type Thresholds = typeof THRESHOLDS
type Point = { x: number; y: number }

/** Geometry of one person in pixels, so that angles and ratios do not depend on the aspect ratio. */
export class Body {
  constructor(
    readonly person: Person,
    readonly width: number,
    readonly height: number,
    readonly limits: Thresholds = THRESHOLDS,
  ) {}

  point(name: KeypointName): Point & { score: number } {
    const keypoint: Keypoint = this.person.keypoints[name]
    return { x: keypoint.x * this.width, y: keypoint.y * this.height, score: keypoint.score }
  }

  visible(...names: KeypointName[]): boolean {
    return names.every((name) => this.person.keypoints[name].score >= this.limits.keypointScore)
  }

  anyVisible(...names: KeypointName[]): boolean {
    return names.some((name) => this.visible(name))
  }

  midpoint(a: KeypointName, b: KeypointName): Point {
    const p = this.point(a)
    const q = this.point(b)
    return { x: (p.x + q.x) / 2, y: (p.y + q.y) / 2 }
  }

  /** Shoulder midpoint to hip midpoint, the body's unit of length. */
  torsoLength(): number {
    const shoulders = this.midpoint('leftShoulder', 'rightShoulder')
    const hips = this.midpoint('leftHip', 'rightHip')
    return Math.hypot(hips.x - shoulders.x, hips.y - shoulders.y)
  }
}

const distance = (a: Point, b: Point): number => Math.hypot(a.x - b.x, a.y - b.y)

/** Checked last: darkness matters only when nothing else already fails the photo. */
export function tooDark(meanLuma: number, limits: Thresholds = THRESHOLDS): Finding | undefined {
  if (meanLuma >= limits.minMeanLuma) return undefined
  return {
    code: 'InvalidFile.BodyPose',
    message: `The photo is too dark to verify the pose (mean brightness ${Math.round(meanLuma)} of 255); use more light.`,
  }
}

export function shouldersMissing(body: Body): Finding | undefined {
  if (body.visible('leftShoulder', 'rightShoulder')) return undefined
  return { code: 'InvalidFile.BodyPose', message: 'Both shoulders must be visible.' }
}

/** Signed shoulder width over torso length: positive facing the camera, negative facing away. */
export function shoulderRatio(body: Body): number {
  const torso = body.torsoLength()
  if (torso === 0) return 0
  // Facing the camera, the person's left shoulder is on the right of the picture.
  return (body.point('leftShoulder').x - body.point('rightShoulder').x) / torso
}

/**
 * Seen from behind: the left shoulder is on the left of the picture. MoveNet reads backs as
 * fronts often enough that this needs a second sign: the hips agree, or no face is where the head is.
 */
export function facingAway(body: Body, head?: Head): Finding | undefined {
  if (!body.visible('leftShoulder', 'rightShoulder')) return undefined
  if (body.point('leftShoulder').x >= body.point('rightShoulder').x) return undefined
  const hips = body.visible('leftHip', 'rightHip')
  const noFace = head !== undefined && head.reading.score < body.limits.minFaceScore
  if (!hips && !noFace) return undefined
  return { code: 'InvalidFile.BodyPose', message: 'The person faces away from the camera.' }
}

export function sideView(body: Body): Finding | undefined {
  if (!body.visible('leftHip', 'rightHip')) return undefined
  const ratio = shoulderRatio(body)
  if (ratio < 0 || ratio >= body.limits.minShoulderRatio) return undefined
  return {
    code: 'InvalidFile.BodyPose',
    message: 'The body is turned to the side; it must face the camera.',
  }
}

export function bentOver(body: Body): Finding | undefined {
  if (!body.visible('leftHip', 'rightHip')) return undefined
  const shoulders = body.midpoint('leftShoulder', 'rightShoulder')
  const hips = body.midpoint('leftHip', 'rightHip')
  const tilt = (Math.atan2(Math.abs(hips.x - shoulders.x), hips.y - shoulders.y) * 180) / Math.PI
  if (tilt <= body.limits.maxTorsoTiltDegrees) return undefined
  return {
    code: 'InvalidFile.BodyPose',
    message: `The body leans ${Math.round(tilt)}° from upright; stand straight.`,
  }
}

/** Thighs near level with the hips: sitting or crouching. */
export function sitting(body: Body): Finding | undefined {
  if (!body.visible('leftHip', 'rightHip')) return undefined
  const knees = (['leftKnee', 'rightKnee'] as const).filter((knee) => body.visible(knee))
  if (knees.length === 0) return undefined
  const hips = body.midpoint('leftHip', 'rightHip')
  const kneeY = knees.reduce((sum, knee) => sum + body.point(knee).y, 0) / knees.length
  if ((kneeY - hips.y) / body.torsoLength() >= body.limits.minKneeDrop) return undefined
  return {
    code: 'InvalidFile.BodyPose',
    message: 'The person seems to sit or crouch; stand upright.',
  }
}

/** Legs in the frame but an ankle hidden: something is in front of the body (a stool, a table). */
export function legsOccluded(body: Body): Finding | undefined {
  const { limits } = body
  const framedKnees = (['leftKnee', 'rightKnee'] as const).filter(
    (knee) => body.visible(knee) && body.person.keypoints[knee].y < limits.frameCutsLegsAt,
  )
  if (framedKnees.length === 0) return undefined
  const hidden = (['leftAnkle', 'rightAnkle'] as const).find(
    (ankle) =>
      !body.visible(ankle) && body.person.keypoints[ankle].y < limits.ankleInsideFrameBelow,
  )
  if (hidden === undefined) return undefined
  return {
    code: 'InvalidFile.BodyPose',
    message: 'The legs are partly hidden: both ankles must be visible.',
  }
}

export function faceHidden(body: Body): Finding | undefined {
  if (body.visible('nose', 'leftEye', 'rightEye')) return undefined
  return {
    code: 'InvalidFile.FacePose',
    message: 'The face is not visible (cropped, covered or turned away).',
  }
}

export function faceCovered(body: Body): Finding | undefined {
  const nose = body.point('nose')
  const torso = body.torsoLength() || 1
  const near = (['leftWrist', 'rightWrist'] as const).some(
    (wrist) =>
      body.visible(wrist) && distance(body.point(wrist), nose) / torso < body.limits.minWristToNose,
  )
  if (!near) return undefined
  return { code: 'InvalidFile.FacePose', message: 'A hand is in front of the face.' }
}

export function headTurned(body: Body): Finding | undefined {
  const left = body.point('leftEye')
  const right = body.point('rightEye')
  const eyes = distance(left, right)
  if (eyes === 0) return undefined
  const offset = (body.point('nose').x - (left.x + right.x) / 2) / eyes
  if (Math.abs(offset) <= body.limits.maxNoseOffset) return undefined
  return {
    code: 'InvalidFile.FacePose',
    message: 'The head is strongly turned; look at the camera.',
  }
}

/** One person counted, by the COCO detector or (where it missed them) by MoveNet. */
export interface PersonFound {
  box: Box
  score: number
  source: 'detector' | 'pose'
  /** The MoveNet person matched to this box, if any. */
  pose?: Person
}

const boxHeight = (b: Box): number => b.bottom - b.top

/** Visible keypoints of a MoveNet person, and the box around them. */
function keypointBox(person: Person, limits: Thresholds): Box | undefined {
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
    around === undefined || area(box) === 0 ? 0 : intersection(box, around) / area(box)
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
  observation: Observation,
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
      const smaller = Math.min(area(k.box), area(box.box))
      return smaller > 0 && shared / smaller > limits.samePersonOverlap
    })
    if (!duplicate) kept.push(box)
  }
  const found: PersonFound[] = kept.map((o) => ({ box: o.box, score: o.score, source: 'detector' }))
  const unclaimed = new Set(poses)
  for (const person of found) {
    const best = [...unclaimed]
      .map((pose) => ({ pose, share: sameBody(pose, person.box, limits) }))
      .sort((a, b) => b.share - a.share)[0]
    if (best !== undefined && best.share >= limits.poseInBoxShare) {
      person.pose = best.pose
      unclaimed.delete(best.pose)
    }
  }
  for (const pose of unclaimed) {
    const box = keypointBox(pose, limits)
    if (box === undefined || pose.score < limits.extraPoseScore) continue
    if (boxHeight(box) < limits.minPersonHeight) continue
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

const area = (b: Box): number => Math.max(0, b.right - b.left) * Math.max(0, b.bottom - b.top)

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

/** Where the subject's face is, and how the head is turned. */
export interface Head {
  reading: FaceReading
  /** Share of the head crop that lies outside the frame. */
  outside: number
}

function headOf(observation: Observation): Head | undefined {
  const reading = observation.face
  if (reading === undefined) return undefined
  const crop = reading.crop
  const inside = intersection(crop, { left: 0, top: 0, right: 1, bottom: 1 })
  return { reading, outside: area(crop) > 0 ? 1 - inside / area(crop) : 0 }
}

/** The face is cut by the frame: much of the head's square lies outside the photo. */
export function faceCropped(
  head: Head | undefined,
  limits: Thresholds = THRESHOLDS,
): Finding | undefined {
  if (head === undefined || head.outside <= limits.maxHeadOutside) return undefined
  return { code: 'InvalidFile.FacePose', message: 'The face is cut off by the edge of the photo.' }
}

/**
 * No face where the head is: covered (mask, hands, hair) or turned away. `cover` is what
 * `faceCover` found over the head, named in the message.
 */
export function faceNotFound(
  head: Head | undefined,
  limits: Thresholds = THRESHOLDS,
  cover?: DetectedObject,
): Finding | undefined {
  if (head === undefined || head.reading.score >= limits.minFaceScore) return undefined
  const confidence = `face confidence ${head.reading.score.toFixed(2)}`
  return {
    code: 'InvalidFile.FacePose',
    message:
      cover === undefined
        ? `No face is visible where the head is (${confidence}); the face must be uncovered and towards the camera.`
        : `A ${cover.label} covers the face (${confidence}); the face must be uncovered and towards the camera.`,
  }
}

/**
 * COCO things a hand holds up to a face: a phone in a mirror selfie, a cup or bottle being drunk
 * from, a book. Named only when FaceMesh finds no face (a phone beside a visible face is a pass in
 * the dev set), so they change the message, never the verdict.
 */
export const FACE_COVERS: ReadonlySet<string> = new Set([
  'cell phone',
  'remote',
  'cup',
  'wine glass',
  'bottle',
  'book',
  'laptop',
  'teddy bear',
  'hair drier',
  'sports ball',
  'frisbee',
])

/** The strongest hand-held thing over the head's square, if one covers enough of it. Pure. */
export function faceCover(
  head: Head,
  objects: readonly DetectedObject[],
  limits: Thresholds = THRESHOLDS,
): DetectedObject | undefined {
  const crop = head.reading.crop
  const area = boxArea(crop)
  if (area === 0) return undefined
  return [...objects]
    .filter(
      (o) =>
        FACE_COVERS.has(o.label) &&
        o.score >= limits.heldObjectScore &&
        intersection(o.box, crop) / area >= limits.objectCoversFace,
    )
    .sort((a, b) => b.score - a.score)[0]
}

/** Yaw, pitch and roll from FaceMesh, against the largest a frontal portrait shows. */
export function headPoseOff(
  head: Head | undefined,
  limits: Thresholds = THRESHOLDS,
): Finding | undefined {
  if (head === undefined || head.reading.score < limits.minFaceScore) return undefined
  const { yaw, pitch } = head.reading.pose
  if (Math.abs(yaw) > limits.maxYawDegrees)
    return {
      code: 'InvalidFile.FacePose',
      message: `The head is turned ${Math.round(Math.abs(yaw))}° to the side; look at the camera.`,
    }
  if (Math.abs(pitch) > limits.maxPitchDegrees)
    return {
      code: 'InvalidFile.FacePose',
      message: `The head is tilted ${Math.round(Math.abs(pitch))}° ${pitch > 0 ? 'up' : 'down'}; look at the camera.`,
    }
  return undefined
}

/**
 * A wrist at the face: within a fraction of the shoulder width from the nose. A wrist above the
 * head's square (hands raised over the head) is not in front of the face.
 */
export function handOverFace(head: Head | undefined, body: Body | undefined): Finding | undefined {
  if (body === undefined || !body.visible('nose', 'leftShoulder', 'rightShoulder')) return undefined
  const nose = body.point('nose')
  const shoulders = distance(body.point('leftShoulder'), body.point('rightShoulder'))
  if (shoulders === 0) return undefined
  const top = head === undefined ? -Infinity : head.reading.crop.top * body.height
  const covering = (['leftWrist', 'rightWrist'] as const).some((wrist) => {
    if (!body.visible(wrist)) return false
    const at = body.point(wrist)
    return at.y >= top && distance(at, nose) / shoulders < body.limits.maxWristToNose
  })
  if (!covering) return undefined
  return { code: 'InvalidFile.FacePose', message: 'A hand is in front of the face.' }
}

/**
 * COCO things large enough that holding one is "holding a large object" (the spec's BodyPose).
 * Phones, bottles and books are left out: the dev set labels a phone held at the waist a pass.
 */
export const LARGE_OBJECTS: ReadonlySet<string> = new Set([
  'umbrella',
  'suitcase',
  'handbag',
  'backpack',
  'teddy bear',
  'tennis racket',
  'baseball bat',
  'skateboard',
  'surfboard',
  'skis',
  'snowboard',
  'kite',
  'laptop',
  'bicycle',
  'motorcycle',
])

/** Bags are worn over the body as often as carried: they count only in a hand. */
const WORN = new Set(['handbag', 'backpack'])

/** Objects of the listed kinds whose box holds a wrist or covers a good part of the body. Pure. */
export function heldObjects(
  objects: DetectedObject[],
  subject: PersonFound | undefined,
  body: Body | undefined,
  limits: Thresholds = THRESHOLDS,
): DetectedObject[] {
  if (subject === undefined) return []
  const torso = body ? body.torsoLength() / body.height : boxHeight(subject.box) / 3
  const reach = torso * limits.handReach
  return objects.filter((o) => {
    if (!LARGE_OBJECTS.has(o.label) || o.score < limits.heldObjectScore) return false
    const atHand = (['leftWrist', 'rightWrist'] as const).some((wrist) => {
      if (body === undefined || !body.visible(wrist)) return false
      const { x, y } = body.person.keypoints[wrist]
      const ry = reach
      const rx = (reach * body.height) / body.width
      return (
        x >= o.box.left - rx &&
        x <= o.box.right + rx &&
        y >= o.box.top - ry &&
        y <= o.box.bottom + ry
      )
    })
    const overBody = intersection(o.box, subject.box) / (area(subject.box) || 1)
    return atHand || (!WORN.has(o.label) && overBody >= limits.objectCoversBody)
  })
}

export function holdingObject(held: DetectedObject[]): Finding | undefined {
  const first = held[0]
  if (first === undefined) return undefined
  return {
    code: 'InvalidFile.BodyPose',
    message: `The person holds ${/^[aeiou]/.test(first.label) ? 'an' : 'a'} ${first.label} (${Math.round(first.score * 100)}%); hands and body must be free.`,
  }
}

/** Full body when both ankles are visible, half body otherwise. */
export function bodystyleOf(body: Body): Bodystyle {
  return body.visible('leftAnkle', 'rightAnkle') ? 'full' : 'half'
}

export const BODY_RULES = [shouldersMissing, facingAway, sideView, bentOver, sitting, legsOccluded]
/** Keypoint face rules, for observations without a FaceMesh reading. */
export const FACE_RULES = [faceHidden, faceCovered, headTurned]

const objectEvidence = (o: DetectedObject) => ({
  label: o.label,
  score: round(o.score),
  box: toBox(o.box),
})
const toBox = (b: Box): EvidenceBox =>
  [b.left, b.top, b.right, b.bottom].map((v) => Math.round(v * 1000) / 1000) as EvidenceBox
const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits

/**
 * The verdict, with the service's codes, checked in its order: person count, then body pose, then
 * face pose, then light; with the evidence it rests on. Pure.
 */
export function judge(observation: Observation, limits: Thresholds = THRESHOLDS): Detection {
  const people = findPeople(observation, limits)
  const evidence: Evidence = {
    rule: 'pass',
    people: people.map((p) => ({ box: toBox(p.box), score: round(p.score), source: p.source })),
    objects: [],
  }
  const head = headOf(observation)
  if (head !== undefined) {
    const { yaw, pitch, roll } = head.reading.pose
    evidence.head = {
      yaw: round(yaw, 1),
      pitch: round(pitch, 1),
      roll: round(roll, 1),
      faceScore: round(head.reading.score),
    }
  }
  addDrawnEvidence(evidence, people, head, limits)
  // A pose-only observation (no detector ran) has no evidence worth showing.
  const explain = observation.objects !== undefined
  const reject = (rule: string, finding: Finding): Detection => {
    evidence.rule = rule
    return explain ? { status: 'reject', ...finding, evidence } : { status: 'reject', ...finding }
  }
  const counted = countPeople(people)
  if (counted !== undefined) return reject('countPeople', counted)
  const subject = people[0]
  const person = subject?.pose
  const body = person ? new Body(person, observation.width, observation.height, limits) : undefined
  if (body !== undefined && body.visible('leftHip', 'rightHip'))
    evidence.shoulderRatio = round(shoulderRatio(body))
  const held = heldObjects(observation.objects ?? [], subject, body, limits)
  evidence.objects = held.map(objectEvidence)
  if (body !== undefined) {
    for (const rule of BODY_RULES) {
      const finding = rule(body, head)
      if (finding !== undefined) return reject(rule.name, finding)
    }
  }
  const holding = holdingObject(held)
  if (holding !== undefined) return reject('holdingObject', holding)
  if (observation.face === undefined) {
    if (body !== undefined) {
      for (const rule of FACE_RULES) {
        const finding = rule(body)
        if (finding !== undefined) return reject(rule.name, finding)
      }
    }
  } else {
    const cover = head && faceCover(head, observation.objects ?? [], limits)
    const checks: [string, () => Finding | undefined][] = [
      ['faceCropped', () => faceCropped(head, limits)],
      ['handOverFace', () => handOverFace(head, body)],
      ['faceNotFound', () => faceNotFound(head, limits, cover)],
      ['headPoseOff', () => headPoseOff(head, limits)],
    ]
    for (const [name, check] of checks) {
      const finding = check()
      if (finding === undefined) continue
      if (name === 'faceNotFound' && cover !== undefined && !held.includes(cover))
        evidence.objects.push(objectEvidence(cover))
      return reject(name, finding)
    }
  }
  if (body === undefined) {
    return reject('bodyNotSeen', {
      code: 'InvalidFile.BodyPose',
      message: 'The body is not visible enough to check the pose: show at least head to waist.',
    })
  }
  const dark = tooDark(observation.meanLuma, limits)
  if (dark !== undefined) return reject('tooDark', dark)
  const bodystyle = bodystyleOf(body)
  return explain ? { status: 'pass', bodystyle, evidence } : { status: 'pass', bodystyle }
}

// Drawn evidence (the gallery): geometry only, read by no rule.

/**
 * What the gallery draws besides boxes: each counted person's keypoints the rules count as seen,
 * and the square FaceMesh read. Fills `evidence` in place, in `people`'s order. The verdict does
 * not depend on it.
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
