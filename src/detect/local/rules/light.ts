import type { Box } from '../objects.js'
import type { LumaGrid, Observation } from '../observation.js'
import { THRESHOLDS } from '../thresholds.js'
import type { Head } from './face.js'
import type { Finding, Thresholds } from './geometry.js'
import type { PersonFound } from './people.js'

/** Mean luma over a box (image fractions), each grid cell weighted by how much of it the box covers. Pure. */
export function lumaIn(grid: LumaGrid, box: Box): number | undefined {
  let sum = 0
  let weight = 0
  for (let row = 0; row < grid.rows; row++) {
    const top = row / grid.rows
    const height = Math.min(box.bottom, top + 1 / grid.rows) - Math.max(box.top, top)
    if (height <= 0) continue
    for (let column = 0; column < grid.columns; column++) {
      const left = column / grid.columns
      const width = Math.min(box.right, left + 1 / grid.columns) - Math.max(box.left, left)
      if (width <= 0) continue
      sum += (grid.values[row * grid.columns + column] ?? 0) * width * height
      weight += width * height
    }
  }
  return weight > 0 ? sum / weight : undefined
}

/** Where the light is read, and how bright it is there. */
export interface Light {
  luma: number
  on: 'face' | 'body' | 'frame'
}

/**
 * The light on the person: on the face where one is found (BlazeFace's box, else the head's
 * square, which also holds hair and backdrop), else on the subject's box; the whole frame only for
 * observations without a luma grid. A lit person on a dark backdrop is lit. Pure.
 */
export function lightOn(
  observation: Pick<Observation, 'luma' | 'meanLuma'>,
  subject: PersonFound | undefined,
  head: Head | undefined,
  limits: Thresholds = THRESHOLDS,
): Light {
  const grid = observation.luma
  if (grid !== undefined) {
    const face =
      head !== undefined && head.reading.score >= limits.minFaceScore
        ? lumaIn(grid, head.face ?? head.reading.crop)
        : undefined
    if (face !== undefined) return { luma: face, on: 'face' }
    const body = subject === undefined ? undefined : lumaIn(grid, subject.box)
    if (body !== undefined) return { luma: body, on: 'body' }
  }
  return { luma: observation.meanLuma, on: 'frame' }
}

/** Checked last: darkness matters only when nothing else already fails the photo. */
export function tooDark(
  light: Light | number,
  limits: Thresholds = THRESHOLDS,
): Finding | undefined {
  const { luma, on } = typeof light === 'number' ? { luma: light, on: 'frame' } : light
  if (luma >= limits.minMeanLuma) return undefined
  const where = on === 'frame' ? 'the photo' : `the person's ${on}`
  return {
    code: 'InvalidFile.BodyPose',
    message: `The photo is too dark to verify the pose (mean brightness ${Math.round(luma)} of 255 on ${where}); use more light.`,
  }
}
