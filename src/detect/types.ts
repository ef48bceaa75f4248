import type { Bodystyle } from '../core/types.js'

export type { Bodystyle }

/** The service's rejection codes (HTTP 400 or `check_pass:false`), plus the local detector's size code. */
export const REJECTION_CODES = [
  'InvalidURL',
  'InvalidFile.Content',
  'InvalidFile.Resolution',
  'InvalidFile.BodyPose',
  'InvalidFile.FacePose',
  'InvalidFile.Size',
] as const
export type RejectionCode = (typeof REJECTION_CODES)[number]

export type DetectionStatus = 'pass' | 'reject' | 'error'

/** A box as [left, top, right, bottom], fractions of the image's width and height. */
export type EvidenceBox = [number, number, number, number]

/** A MoveNet body keypoint the rules counted as seen, x and y as fractions of the image. */
export interface EvidenceKeypoint {
  /** `nose`, `leftShoulder`, … (the person's own left). */
  name: string
  x: number
  y: number
  score: number
}

/**
 * Why the local detector decided as it did: what it saw, in plain JSON. Boxes and keypoints are
 * fractions of the image as a viewer shows it (EXIF orientation applied).
 */
export interface Evidence {
  /** The rule that decided (`pass` when none objected). */
  rule: string
  /** The people counted, with the model that found each, and the skeleton MoveNet saw, if any. */
  people: {
    box: EvidenceBox
    score: number
    source: 'detector' | 'pose' | 'face'
    keypoints?: EvidenceKeypoint[]
  }[]
  /**
   * The subject's head, in degrees, with FaceMesh's confidence that a face is there, and the
   * square FaceMesh read (it may reach past the image's edges).
   */
  head?: { yaw: number; pitch: number; roll: number; faceScore: number; box?: EvidenceBox }
  /** Signed shoulder width over torso length (negative: facing away). */
  shoulderRatio?: number
  /** Things in or in front of the subject's hands or body. */
  objects: { label: string; score: number; box: EvidenceBox }[]
}

/** One image's verdict, as the hosted service (or any backend) gave it. */
export interface Detection {
  status: DetectionStatus
  bodystyle?: Bodystyle
  /** DashScope code (`InvalidFile.BodyPose`, …) for rejects; error kind for errors. */
  code?: string
  message?: string
  requestId?: string
  /** The local detector's reasons (absent for other backends). */
  evidence?: Evidence
}

export interface DetectionJob {
  /** First repository path with this content (for logs). */
  path: string
  /** Public URL of the image. */
  url: string
  /** Git blob sha of the content. */
  sha: string
  /** Size in bytes when known before reading (a local file's stat): oversized files are never read. */
  size?: number
  /** The image's bytes, for backends that do not fetch the URL themselves. */
  readBytes: () => Promise<Uint8Array>
}

/** One interface for every backend; main picks one and the rest of the action never knows which. */
export interface Detector {
  /** Identifies backend, endpoint and model: cached verdicts are only reused under the same one. */
  readonly identity: string
  detect(job: DetectionJob): Promise<Detection>
  /** Counters for the log (requests sent, retries, throttled answers). */
  stats(): DetectorStats
}

export interface DetectorStats {
  requests: number
  retries: number
  throttled: number
}
