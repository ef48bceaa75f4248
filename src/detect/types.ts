import type { Bodystyle } from '../action/inputs.js'

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
