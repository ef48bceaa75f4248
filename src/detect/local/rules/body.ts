import type { Bodystyle } from '../../types.js'
import { headLooksAway, type Head } from './face.js'
import type { Body, Finding } from './geometry.js'

/**
 * Both shoulders must be seen. Not in a head-and-shoulders frame (no hips) whose head is turned
 * or shows no face: there a shoulder is lost to the frame and the turn, and the turned head is the
 * fault to name (FacePose, by the face rules).
 */
export function shouldersMissing(body: Body, head?: Head): Finding | undefined {
  if (body.visible('leftShoulder', 'rightShoulder')) return undefined
  if (!body.anyVisible('leftHip', 'rightHip') && headLooksAway(body, head)) return undefined
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

const KNEES = ['leftKnee', 'rightKnee'] as const
const LEGS = [
  ['leftHip', 'leftKnee', 'leftAnkle'],
  ['rightHip', 'rightKnee', 'rightAnkle'],
] as const

/**
 * Thighs near level with the hips: sitting or crouching. The knees are the visible ones; where
 * none is visible but the hips are, a knee MoveNet places inside the frame is where the hidden
 * leg is (under a table, folded under a crouching body), and it counts too. A knee guessed at the
 * bottom edge says only that the frame cuts the legs.
 */
export function sitting(body: Body): Finding | undefined {
  if (!body.visible('leftHip', 'rightHip')) return undefined
  const { limits } = body
  const hips = body.midpoint('leftHip', 'rightHip')
  const torso = body.torsoLength()
  if (torso === 0) return undefined
  const seen = KNEES.filter((knee) => body.visible(knee))
  const inFrame = (y: number) => y < limits.frameCutsLegsAt
  const guessed =
    seen.length === 0 && inFrame(hips.y / body.height)
      ? KNEES.filter((knee) => inFrame(body.person.keypoints[knee].y))
      : []
  const knees = seen.length > 0 ? seen : guessed
  if (knees.length === 0) return undefined
  const kneeY = knees.reduce((sum, knee) => sum + body.point(knee).y, 0) / knees.length
  if ((kneeY - hips.y) / torso >= limits.minKneeDrop) return undefined
  return {
    code: 'InvalidFile.BodyPose',
    message:
      seen.length > 0
        ? 'The person seems to sit or crouch; stand upright.'
        : 'The person seems to sit or crouch (the legs are hidden below the hips); stand upright, legs in view.',
  }
}

/**
 * Legs folded: a knee bent sharply between a visible hip and ankle, or the ankles close under the
 * hips. Standing, the leg is nearly straight and the ankles lie well over a torso below the hips.
 */
export function crouching(body: Body): Finding | undefined {
  const { limits } = body
  const bent = LEGS.some(([hip, knee, ankle]) => {
    if (!body.visible(hip, knee, ankle)) return false
    const k = body.point(knee)
    const h = body.point(hip)
    const a = body.point(ankle)
    const angle = Math.abs(Math.atan2(h.y - k.y, h.x - k.x) - Math.atan2(a.y - k.y, a.x - k.x))
    const degrees = ((angle > Math.PI ? 2 * Math.PI - angle : angle) * 180) / Math.PI
    return degrees < limits.minKneeAngleDegrees
  })
  const torso = body.torsoLength()
  const ankles = (['leftAnkle', 'rightAnkle'] as const).filter((ankle) => body.visible(ankle))
  const low =
    body.visible('leftHip', 'rightHip') && ankles.length > 0 && torso > 0
      ? ankles.reduce((sum, ankle) => sum + body.point(ankle).y, 0) / ankles.length -
        body.midpoint('leftHip', 'rightHip').y
      : Infinity
  if (!bent && low / torso >= limits.minAnkleDrop) return undefined
  return {
    code: 'InvalidFile.BodyPose',
    message: 'The legs are folded: the person seems to crouch or kneel; stand upright.',
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

/** Full body when both ankles are visible, half body otherwise. */
export function bodystyleOf(body: Body): Bodystyle {
  return body.visible('leftAnkle', 'rightAnkle') ? 'full' : 'half'
}

export const BODY_RULES = [
  shouldersMissing,
  facingAway,
  sideView,
  bentOver,
  sitting,
  crouching,
  legsOccluded,
]
