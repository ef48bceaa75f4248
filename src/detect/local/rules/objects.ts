import type { DetectedObject } from '../objects.js'
import { THRESHOLDS } from '../thresholds.js'
import type { Body, Finding, Thresholds } from './geometry.js'
import type { PersonFound } from './people.js'

/**
 * COCO things large enough that holding one is "holding a large object" (the spec's BodyPose).
 * Phones, bottles and books are left out: the dev set labels a phone held at the waist a pass;
 * so is a handbag (the corpus labels a woman holding one a pass: it is not large).
 */
export const LARGE_OBJECTS: ReadonlySet<string> = new Set([
  'umbrella',
  'suitcase',
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

/**
 * Objects of the listed kinds with a wrist at them: held, not just near (a bag worn on the back,
 * a bicycle parked behind, a racket the detector imagines over raised arms without a hand on it).
 * Pure.
 */
export function heldObjects(
  objects: DetectedObject[],
  subject: PersonFound | undefined,
  body: Body | undefined,
  limits: Thresholds = THRESHOLDS,
): DetectedObject[] {
  // Held means at a hand: without a body's wrists nothing is held.
  if (subject === undefined || body === undefined) return []
  const reach = (body.torsoLength() / body.height) * limits.handReach
  return objects.filter((o) => {
    if (!LARGE_OBJECTS.has(o.label) || o.score < limits.heldObjectScore) return false
    return (['leftWrist', 'rightWrist'] as const).some((wrist) => {
      if (!body.visible(wrist)) return false
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
  })
}

/** COCO things a seated person's lower body hides behind: a table, a laptop on one. */
export const TABLES: ReadonlySet<string> = new Set(['dining table', 'laptop'])

/**
 * The lower body behind a table: no knee seen, and a table (or a laptop on one) across the hips,
 * its top edge between the shoulders and the hips. Seated people are photographed behind tables,
 * and MoveNet then sees no knees to tell; a person standing in front of one shows their legs. The
 * hips' place counts even when MoveNet is unsure of them (a table hides them). Pure.
 */
export function behindTable(
  objects: readonly DetectedObject[],
  body: Body | undefined,
): Finding | undefined {
  if (body === undefined || !body.visible('leftShoulder', 'rightShoulder')) return undefined
  if (body.anyVisible('leftKnee', 'rightKnee')) return undefined
  const { keypoints } = body.person
  const hips = {
    x: (keypoints.leftHip.x + keypoints.rightHip.x) / 2,
    y: (keypoints.leftHip.y + keypoints.rightHip.y) / 2,
  }
  const shoulders = (keypoints.leftShoulder.y + keypoints.rightShoulder.y) / 2
  const table = objects.find(
    (o) =>
      TABLES.has(o.label) &&
      o.box.left <= hips.x &&
      o.box.right >= hips.x &&
      o.box.top > shoulders &&
      o.box.top < hips.y,
  )
  if (table === undefined) return undefined
  return {
    code: 'InvalidFile.BodyPose',
    message: `The person seems to sit behind a ${table.label} (${Math.round(table.score * 100)}%); stand in front of it, legs in view.`,
  }
}

export function holdingObject(held: DetectedObject[]): Finding | undefined {
  const first = held[0]
  if (first === undefined) return undefined
  return {
    code: 'InvalidFile.BodyPose',
    message: `The person holds ${/^[aeiou]/.test(first.label) ? 'an' : 'a'} ${first.label} (${Math.round(first.score * 100)}%); hands and body must be free.`,
  }
}
