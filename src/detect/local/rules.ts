import type { Bodystyle, Detection } from '../types.js'
import type { Keypoint, KeypointName, Person } from './pose.js'
import { THRESHOLDS } from './thresholds.js'

/** What the model saw in one photo, in the photo's own geometry. */
export interface Observation {
  persons: Person[]
  /** Pixel size of the analysed image: keypoint fractions are scaled by it for true angles. */
  width: number
  height: number
  meanLuma: number
}

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

export function countPeople(
  persons: Person[],
  limits: Thresholds = THRESHOLDS,
): Finding | undefined {
  const count = persons.filter((person) => person.score >= limits.personScore).length
  if (count === 0)
    return { code: 'InvalidFile.Content', message: 'No person was found in the photo.' }
  if (count > 1) {
    return {
      code: 'InvalidFile.Content',
      message: `${count} people were found; the photo must show exactly one.`,
    }
  }
  return undefined
}

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

export function facingAway(body: Body): Finding | undefined {
  if (!body.visible('leftHip', 'rightHip') || shoulderRatio(body) >= 0) return undefined
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

/** Full body when both ankles are visible, half body otherwise. */
export function bodystyleOf(body: Body): Bodystyle {
  return body.visible('leftAnkle', 'rightAnkle') ? 'full' : 'half'
}

export const BODY_RULES = [shouldersMissing, facingAway, sideView, bentOver, sitting, legsOccluded]
export const FACE_RULES = [faceHidden, faceCovered, headTurned]

/**
 * The verdict, with the service's codes, checked in its order: person count, then body pose, then
 * face pose, then light. Pure.
 */
export function judge(observation: Observation, limits: Thresholds = THRESHOLDS): Detection {
  const counted = countPeople(observation.persons, limits)
  if (counted !== undefined) return { status: 'reject', ...counted }
  const person = observation.persons.find((p) => p.score >= limits.personScore) as Person
  const body = new Body(person, observation.width, observation.height, limits)
  for (const rule of [...BODY_RULES, ...FACE_RULES]) {
    const finding = rule(body)
    if (finding !== undefined) return { status: 'reject', ...finding }
  }
  const dark = tooDark(observation.meanLuma, limits)
  if (dark !== undefined) return { status: 'reject', ...dark }
  return { status: 'pass', bodystyle: bodystyleOf(body) }
}
