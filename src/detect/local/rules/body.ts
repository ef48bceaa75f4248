import type { Bodystyle } from '../../types.js'
import type { Head } from './face.js'
import type { Body, Finding } from './geometry.js'

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

/** Full body when both ankles are visible, half body otherwise. */
export function bodystyleOf(body: Body): Bodystyle {
  return body.visible('leftAnkle', 'rightAnkle') ? 'full' : 'half'
}

export const BODY_RULES = [shouldersMissing, facingAway, sideView, bentOver, sitting, legsOccluded]
