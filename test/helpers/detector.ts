import type { Detection, DetectionJob, Detector, DetectorStats } from '../../src/detect/types.js'

/** A verdict for a job: a fixed one, or one computed from the job (may reject or throw). */
export type Script = (job: DetectionJob) => Detection | Promise<Detection>

export const passFull: Detection = { status: 'pass', bodystyle: 'full', requestId: 'stub-pass' }

export const reject = (code: string, message: string): Detection => ({
  status: 'reject',
  code,
  message,
  requestId: 'stub-reject',
})

/**
 * A Detector with scripted verdicts by path: `verdicts` maps a job's path to its detection (a
 * function of the job where needed); a path with no verdict is an error result. Every job it is
 * given is kept in `jobs`, so a test can say how often it was called and with what.
 */
export class StubDetector implements Detector {
  readonly jobs: DetectionJob[] = []

  constructor(
    private readonly verdicts: Record<string, Detection | Script> = {},
    readonly identity = 'stub detector v1',
  ) {}

  async detect(job: DetectionJob): Promise<Detection> {
    this.jobs.push(job)
    const verdict = this.verdicts[job.path]
    if (verdict === undefined) {
      return { status: 'error', code: 'NoVerdict', message: `no scripted verdict for ${job.path}` }
    }
    return typeof verdict === 'function' ? verdict(job) : verdict
  }

  stats(): DetectorStats {
    return { requests: this.jobs.length, retries: 0, throttled: 0 }
  }

  /** The paths detected, in call order. */
  get paths(): string[] {
    return this.jobs.map((job) => job.path)
  }
}
