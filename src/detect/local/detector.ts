import { createHash } from 'node:crypto'
import { availableParallelism } from 'node:os'
import PQueue from 'p-queue'
import { silentLogger, type Logger } from '../../core/log.js'
import { readJobBytes } from '../read-bytes.js'
import type { Detection, DetectionJob, Detector, DetectorStats } from '../types.js'
import { locateAssets, type AssetPaths } from './assets.js'
import { WorkerPool } from './pool.js'
import { precheck, sizeRejection } from './precheck.js'
import { LIMITS, OBSERVE_LIMITS, RULES_REVISION, THRESHOLDS } from './thresholds.js'

export interface Timings {
  decodeMs: number
  inferenceMs: number
  /** From the call to the verdict, waiting for a free worker included. */
  totalMs: number
}

export interface LocalDetectorOptions {
  /** Worker threads; default min(concurrency, available cores). */
  workers?: number
  /** Wall time one image may take in its worker, ms; default `LIMITS.imageBudgetMs`. */
  budgetMs?: number
  /** Where the workers' warnings and the libraries' messages go; default nowhere. */
  log?: Pick<Logger, 'debug' | 'warning'>
  /** Honour the test hooks embedded in image bytes (see protocol.ts); tests only. */
  testHooks?: boolean
  /** The worker's entry; default `locateWorker()`. Tests pass a fake that speaks protocol.ts. */
  worker?: URL
}

/** The models behind the verdicts, as the report's footer names them. */
export const LOCAL_DETECTOR_NAME =
  'CenterNet + MoveNet MultiPose + FaceMesh + BlazeFace, AnimateAnyone rules'

/** Verdicts change when the rules or their numbers do, so recorded ones are keyed by both. */
export const LOCAL_IDENTITY = `local movenet-centernet-facemesh-blazeface rules${RULES_REVISION}-${createHash(
  'sha1',
)
  .update(JSON.stringify(THRESHOLDS))
  .update(JSON.stringify(LIMITS))
  .update(JSON.stringify(OBSERVE_LIMITS))
  .digest('hex')
  .slice(0, 12)}`

/**
 * The embedded detector: the AnimateAnyone rules offline, with the service's codes. Images are
 * decoded and analysed in worker threads, one image per worker at a time. `concurrency` bounds the
 * images held in memory (read, waiting or in a worker); the workers are min(concurrency, cores):
 * the WebAssembly backend is single threaded, so a worker per core is the most that helps, and
 * fewer workers than `concurrency` still keep every core busy while the others' bytes are read.
 */
export class LocalDetector implements Detector {
  readonly identity = LOCAL_IDENTITY
  private readonly reads: PQueue
  private readonly pool: WorkerPool
  private readonly counters: DetectorStats = { requests: 0, retries: 0, throttled: 0 }

  constructor(
    concurrency = availableParallelism(),
    assets: AssetPaths = locateAssets(),
    options: LocalDetectorOptions = {},
  ) {
    this.reads = new PQueue({ concurrency })
    this.pool = new WorkerPool({
      size: Math.max(1, options.workers ?? Math.min(concurrency, availableParallelism())),
      assets,
      budgetMs: options.budgetMs ?? LIMITS.imageBudgetMs,
      testHooks: options.testHooks ?? false,
      log: options.log ?? silentLogger,
      worker: options.worker,
    })
  }

  /** Starts the workers (each loads the model) now rather than on the first image. */
  async load(): Promise<void> {
    await this.pool.start()
  }

  /** Stops the workers. Not needed before exit: idle workers do not keep the process alive. */
  async close(): Promise<void> {
    await this.pool.close()
  }

  /** Worker threads alive now. */
  get workers(): number {
    return this.pool.size
  }

  stats(): DetectorStats {
    return { ...this.counters }
  }

  async detect(job: DetectionJob): Promise<Detection> {
    // A file known to be too large is refused unread.
    if (job.size !== undefined && job.size > LIMITS.maxFileBytes) {
      this.counters.requests++
      return sizeRejection(job.size)
    }
    // The slot is held until the verdict, so at most `concurrency` images sit in memory at once.
    return this.reads.add(async (): Promise<Detection> => {
      const bytes = await readJobBytes(job)
      return 'status' in bytes ? bytes : (await this.analyse(bytes, job.path)).detection
    })
  }

  /**
   * The verdict for one image's bytes, with where the time went. Never throws for bad input; throws
   * `FatalDetectorError` when the workers cannot start.
   */
  async analyse(
    bytes: Uint8Array,
    label = 'image',
  ): Promise<{ detection: Detection; timings: Timings }> {
    const started = performance.now()
    this.counters.requests++
    const header = precheck(bytes)
    if ('status' in header) {
      return {
        detection: header,
        timings: { decodeMs: 0, inferenceMs: 0, totalMs: performance.now() - started },
      }
    }
    const { detection, timings } = await this.pool.run(bytes, header.format, label)
    return { detection, timings: { ...timings, totalMs: performance.now() - started } }
  }
}
