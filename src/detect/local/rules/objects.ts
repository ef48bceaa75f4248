import { intersection, type DetectedObject } from '../objects.js'
import { THRESHOLDS } from '../thresholds.js'
import { area, boxHeight, type Body, type Finding, type Thresholds } from './geometry.js'
import type { PersonFound } from './people.js'

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
