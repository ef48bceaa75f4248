/** Full body = head to toe; half body = waist up. */
export type Bodystyle = 'full' | 'half'
/** What a repository requires of passing photos (`require-bodystyle`). */
export type RequiredBodystyle = 'any' | Bodystyle

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

/** One image's verdict, as the hosted service (or any backend) gave it. */
export interface Detection {
  status: DetectionStatus
  bodystyle?: Bodystyle
  /** DashScope code (`InvalidFile.BodyPose`, …) for rejects; error kind for errors. */
  code?: string
  message?: string
  requestId?: string
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
