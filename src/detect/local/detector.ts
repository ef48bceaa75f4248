import { createHash } from 'node:crypto'
import PQueue from 'p-queue'
import { FatalDetectorError, errorMessage } from '../../shared/errors.js'
import { readJobBytes } from '../read-bytes.js'
import type { Detection, DetectionJob, Detector, DetectorStats } from '../types.js'
import { locateAssets, type AssetPaths } from './assets.js'
import { ImageDecoder, toWorkingImage } from './decode.js'
import { PoseModel } from './pose.js'
import { precheck } from './precheck.js'
import { judge } from './rules.js'
import { LIMITS, THRESHOLDS } from './thresholds.js'

export interface Timings {
  decodeMs: number
  inferenceMs: number
  totalMs: number
}

/** Verdicts change when the rules or their numbers do, so recorded ones are keyed by both. */
export const LOCAL_IDENTITY = `local movenet-multipose rules-${createHash('sha1')
  .update(JSON.stringify(THRESHOLDS))
  .update(JSON.stringify(LIMITS))
  .digest('hex')
  .slice(0, 12)}`

/**
 * The embedded detector: the AnimateAnyone rules offline, with the service's codes. The model is
 * loaded once per process; inference runs one image at a time (the WebAssembly backend is single
 * threaded) while reading bytes runs `concurrency` at once.
 */
export class LocalDetector implements Detector {
  readonly identity = LOCAL_IDENTITY
  private readonly inference = new PQueue({ concurrency: 1 })
  private readonly reads: PQueue
  private engine: Promise<{ model: PoseModel; decoder: ImageDecoder }> | undefined
  private readonly counters: DetectorStats = { requests: 0, retries: 0, throttled: 0 }

  constructor(
    concurrency = 4,
    private readonly assets: AssetPaths = locateAssets(),
  ) {
    this.reads = new PQueue({ concurrency })
  }

  /** Loads the model now rather than on the first image (for timing the load on its own). */
  async load(): Promise<void> {
    await this.ready()
  }

  private ready(): Promise<{ model: PoseModel; decoder: ImageDecoder }> {
    this.engine ??= (async () => {
      try {
        const decoder = new ImageDecoder(this.assets)
        await decoder.init()
        return { model: await PoseModel.load(this.assets.models, this.assets.tfjsWasm), decoder }
      } catch (error) {
        throw new FatalDetectorError(`The local detector could not start: ${errorMessage(error)}`)
      }
    })()
    return this.engine
  }

  stats(): DetectorStats {
    return { ...this.counters }
  }

  async detect(job: DetectionJob): Promise<Detection> {
    // The slot is held until the verdict, so at most `concurrency` images sit in memory at once.
    return this.reads.add(async (): Promise<Detection> => {
      const bytes = await readJobBytes(job)
      return 'status' in bytes ? bytes : (await this.analyse(bytes)).detection
    })
  }

  /** The verdict for one image's bytes, with where the time went. Never throws for bad input. */
  async analyse(bytes: Uint8Array): Promise<{ detection: Detection; timings: Timings }> {
    const started = performance.now()
    const timings: Timings = { decodeMs: 0, inferenceMs: 0, totalMs: 0 }
    const done = (detection: Detection) => {
      timings.totalMs = performance.now() - started
      return { detection, timings }
    }
    this.counters.requests++
    const header = precheck(bytes)
    if ('status' in header) return done(header)
    const { model, decoder } = await this.ready()
    return this.inference.add(async () => {
      const decodeStarted = performance.now()
      let pixels
      try {
        pixels = await decoder.decode(bytes, header.format)
      } catch (error) {
        return done({
          status: 'reject',
          code: 'InvalidURL',
          message: `The ${header.format.toUpperCase()} file cannot be decoded (corrupt or truncated): ${errorMessage(error)}`,
        })
      }
      const image = toWorkingImage(pixels, LIMITS.workingSize)
      timings.decodeMs = performance.now() - decodeStarted
      const inferenceStarted = performance.now()
      const persons = await model.estimate(image)
      timings.inferenceMs = performance.now() - inferenceStarted
      return done(
        judge({ persons, width: image.width, height: image.height, meanLuma: image.meanLuma }),
      )
    })
  }
}
