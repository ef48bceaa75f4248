import type { Evidence, EvidenceBox, EvidenceKeypoint } from '../../detect/types.js'
import { safeText } from '../../core/untrusted.js'
import { escapeHtml } from './html.js'

/** The thumbnail's size in pixels: the SVG's coordinate system, over the image exactly. */
export interface Frame {
  width: number
  height: number
}

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

/**
 * Evidence is whatever a results file says (`aa-check merge` reads them back), so what is drawn
 * is bounded: a few people, objects and keypoints each, labels of a few words.
 */
export const OVERLAY_LIMITS = { people: 8, objects: 16, keypoints: 17, labelChars: 40 }

/** MoveNet's skeleton: the bones drawn between keypoints. */
export const BONES: readonly (readonly [string, string])[] = [
  ['nose', 'leftEye'],
  ['nose', 'rightEye'],
  ['leftEye', 'leftEar'],
  ['rightEye', 'rightEar'],
  ['leftShoulder', 'rightShoulder'],
  ['leftShoulder', 'leftElbow'],
  ['leftElbow', 'leftWrist'],
  ['rightShoulder', 'rightElbow'],
  ['rightElbow', 'rightWrist'],
  ['leftShoulder', 'leftHip'],
  ['rightShoulder', 'rightHip'],
  ['leftHip', 'rightHip'],
  ['leftHip', 'leftKnee'],
  ['leftKnee', 'leftAnkle'],
  ['rightHip', 'rightKnee'],
  ['rightKnee', 'rightAnkle'],
]

/** A field read back from a file may not be the string its type says. */
export const textOf = (value: unknown): string => (typeof value === 'string' ? value : '')

/** One decimal: enough for a few hundred pixels, and stable text for tests. */
const px = (value: number): number => Math.round(value * 10) / 10

/** A fraction of the image is trusted as drawable only when it is a number near the frame. */
const fraction = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= -1 && value <= 2

/** A box in fractions of the image, as a rectangle in thumbnail pixels; undefined if unusable. */
export function boxRect(box: EvidenceBox | undefined, frame: Frame): Rect | undefined {
  // Typed, but read back from a results file: checked as the unknown it may be.
  const given: unknown = box
  if (!Array.isArray(given) || given.length !== 4 || !given.every(fraction)) return undefined
  // A head square can reach past the photo's edge; only the part on the photo is drawn.
  const [left, top, right, bottom] = given.map((value) => Math.min(1, Math.max(0, value)))
  if (left === undefined || top === undefined || right === undefined || bottom === undefined)
    return undefined
  if (right < left || bottom < top) return undefined
  return {
    x: px(left * frame.width),
    y: px(top * frame.height),
    width: px((right - left) * frame.width),
    height: px((bottom - top) * frame.height),
  }
}

/** A keypoint in thumbnail pixels; undefined if unusable. */
export function keypointAt(
  keypoint: EvidenceKeypoint,
  frame: Frame,
): { x: number; y: number } | undefined {
  if (!fraction(keypoint.x) || !fraction(keypoint.y)) return undefined
  return { x: px(keypoint.x * frame.width), y: px(keypoint.y * frame.height) }
}

/**
 * Where the face points, drawn from the centre of the head's square, as long as the square is wide
 * when the head is turned fully. FaceMesh's angles (src/detect/local/face.ts `headPose`): negative
 * yaw turns the face towards the picture's right, positive pitch tilts it down (the chin goes back,
 * the forehead forward); on the corpus, faces turned right read -27° to -45° and people looking
 * down at a laptop or a typewriter +8° to +22°.
 */
export function headArrow(
  head: NonNullable<Evidence['head']>,
  frame: Frame,
): { x1: number; y1: number; x2: number; y2: number } | undefined {
  const square = boxRect(head.box, frame)
  if (square === undefined) return undefined
  const { yaw, pitch } = head
  if (!Number.isFinite(yaw) || !Number.isFinite(pitch)) return undefined
  const radians = (degrees: number) => (Math.max(-90, Math.min(90, degrees)) * Math.PI) / 180
  const length = Math.max(square.width, square.height)
  const x1 = square.x + square.width / 2
  const y1 = square.y + square.height / 2
  return {
    x1: px(x1),
    y1: px(y1),
    x2: px(x1 - Math.sin(radians(yaw)) * Math.cos(radians(pitch)) * length),
    y2: px(y1 + Math.sin(radians(pitch)) * length),
  }
}

/** A line with its head drawn as a triangle (no marker: nothing in the page is referenced by id). */
function arrowSvg(arrow: { x1: number; y1: number; x2: number; y2: number }): string {
  const { x1, y1, x2, y2 } = arrow
  const dx = x2 - x1
  const dy = y2 - y1
  const length = Math.hypot(dx, dy)
  const start = `<circle class="gaze" cx="${x1}" cy="${y1}" r="2"/>`
  if (length < 4) return start
  const ux = dx / length
  const uy = dy / length
  const size = 6
  const baseX = x2 - ux * size
  const baseY = y2 - uy * size
  const points = [
    [x2, y2],
    [baseX - uy * size * 0.5, baseY + ux * size * 0.5],
    [baseX + uy * size * 0.5, baseY - ux * size * 0.5],
  ]
    .map(([x = 0, y = 0]) => `${px(x)},${px(y)}`)
    .join(' ')
  return `${start}<line class="gaze" x1="${x1}" y1="${y1}" x2="${px(baseX)}" y2="${px(baseY)}"/><polygon class="gaze" points="${points}"/>`
}

const label = (text: string): string => escapeHtml(safeText(text, OVERLAY_LIMITS.labelChars))

const rectAttributes = (r: Rect): string =>
  `x="${r.x}" y="${r.y}" width="${r.width}" height="${r.height}"`

/** A label above a box (inside it when the box touches the top). */
function boxLabel(r: Rect, text: string, kind: string): string {
  const y = r.y >= 12 ? r.y - 3 : r.y + 11
  return `<text class="${kind}" x="${px(Math.max(0, r.x) + 2)}" y="${px(y)}">${label(text)}</text>`
}

/**
 * The evidence as SVG shapes over a `frame`-sized thumbnail: people boxes (the first is the
 * subject), each person's seen keypoints and bones, the head's square with the direction the face
 * points, and the held or covering objects with their labels. Pure; every label escaped.
 */
export function overlaySvg(evidence: Evidence, frame: Frame): string {
  const shapes: string[] = []
  const people = Array.isArray(evidence.people)
    ? evidence.people.slice(0, OVERLAY_LIMITS.people)
    : []
  people.forEach((person, index) => {
    const r = boxRect(person.box, frame)
    if (r !== undefined) {
      shapes.push(`<rect class="person" ${rectAttributes(r)}/>`)
      shapes.push(boxLabel(r, `person ${index + 1}`, 'person'))
    }
    const points = new Map<string, { x: number; y: number }>()
    for (const keypoint of (Array.isArray(person.keypoints) ? person.keypoints : []).slice(
      0,
      OVERLAY_LIMITS.keypoints,
    )) {
      const at = keypointAt(keypoint, frame)
      if (at !== undefined && typeof keypoint.name === 'string') points.set(keypoint.name, at)
    }
    for (const [from, to] of BONES) {
      const a = points.get(from)
      const b = points.get(to)
      if (a !== undefined && b !== undefined)
        shapes.push(`<line class="bone" x1="${a.x}" y1="${a.y}" x2="${b.x}" y2="${b.y}"/>`)
    }
    for (const [name, at] of points)
      shapes.push(
        `<circle class="joint" cx="${at.x}" cy="${at.y}" r="2.5"><title>${label(name)}</title></circle>`,
      )
  })
  const head = evidence.head
  if (head !== undefined) {
    const square = boxRect(head.box, frame)
    if (square !== undefined) {
      shapes.push(`<rect class="head" ${rectAttributes(square)}/>`)
      const arrow = headArrow(head, frame)
      if (arrow !== undefined) shapes.push(arrowSvg(arrow))
    }
  }
  const objects = Array.isArray(evidence.objects)
    ? evidence.objects.slice(0, OVERLAY_LIMITS.objects)
    : []
  for (const object of objects) {
    const r = boxRect(object.box, frame)
    if (r === undefined) continue
    const score = Number.isFinite(object.score) ? ` ${Math.round(object.score * 100)}%` : ''
    shapes.push(`<rect class="object" ${rectAttributes(r)}/>`)
    shapes.push(boxLabel(r, `${textOf(object.label)}${score}`, 'object'))
  }
  return shapes.join('')
}
