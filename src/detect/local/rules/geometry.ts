import type { EvidenceBox } from '../../types.js'
import type { Box } from '../objects.js'
import type { Keypoint, KeypointName, Person } from '../pose.js'
import { THRESHOLDS } from '../thresholds.js'

/** What a rule found: the service's code and a message for the person who took the photo. */
export interface Finding {
  code: 'InvalidFile.Content' | 'InvalidFile.BodyPose' | 'InvalidFile.FacePose'
  message: string
}

export type Thresholds = typeof THRESHOLDS
export interface Point {
  x: number
  y: number
}

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

export const distance = (a: Point, b: Point): number => Math.hypot(a.x - b.x, a.y - b.y)

export const boxHeight = (b: Box): number => b.bottom - b.top

/** Whether a point (image fractions) lies in a box. */
export const holds = (b: Box, p: Point): boolean =>
  p.x >= b.left && p.x <= b.right && p.y >= b.top && p.y <= b.bottom

export const centre = (b: Box): Point => ({ x: (b.left + b.right) / 2, y: (b.top + b.bottom) / 2 })

export const toBox = (b: Box): EvidenceBox =>
  [b.left, b.top, b.right, b.bottom].map((v) => Math.round(v * 1000) / 1000) as EvidenceBox

export const round = (v: number, digits = 2): number => Math.round(v * 10 ** digits) / 10 ** digits
