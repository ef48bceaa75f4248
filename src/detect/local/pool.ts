import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { FatalDetectorError, errorMessage } from '../../core/errors.js'
import type { Logger } from '../../core/log.js'
import type { Detection } from '../types.js'
import type { AssetPaths } from './assets.js'
import type { Analysis } from './engine.js'
import type { ImageFormat } from './precheck.js'
import type { WorkerMessage, WorkerSetup, WorkerTask } from './protocol.js'

/** The bundle's worker, built beside dist/index.js and dist/cli.js. */
export const BUNDLED_WORKER = 'local-worker.js'

/**
 * A worker thread's young generation (MB), as large as the main thread's. On Node 24 (what the
 * action runs on) a worker's default is smaller, and each image's short-lived buffers (the float
 * copies handed to the models, the working images: tens of MB) then go through many more
 * scavenges: on 80 corpus photos, one worker, the inference median was 195–214 ms at the default
 * and 170–176 ms at 32–64 MB, peak RSS within run-to-run noise. Other Node versions may already
 * give 48. Not in `LIMITS`: it changes no verdict, so it does not key recorded ones.
 */
export const WORKER_YOUNG_GENERATION_MB = 48

/**
 * The worker's entry: the bundle's `local-worker.js` beside this module when it is there, else the
 * source shim that loads worker.ts through tsx.
 */
export function locateWorker(from: string = dirname(fileURLToPath(import.meta.url))): URL {
  const bundled = join(from, BUNDLED_WORKER)
  if (existsSync(bundled)) return pathToFileURL(bundled)
  return pathToFileURL(join(from, ['worker-source', 'mjs'].join('.')))
}

export interface PoolOptions {
  size: number
  assets: AssetPaths
  /** Wall time one image may take in a worker, ms. */
  budgetMs: number
  testHooks: boolean
  log: Pick<Logger, 'debug' | 'warning'>
  /** The worker's entry; default `locateWorker()` (tests pass a fake that speaks protocol.ts). */
  worker?: URL
}

interface Job {
  bytes: Uint8Array
  format: ImageFormat
  /** For log lines: which image a worker's message or failure is about. */
  label: string
  resolve: (analysis: Analysis) => void
  reject: (error: Error) => void
}

class Slot {
  job: Job | undefined
  taskId = 0
  phase: 'decode' | 'inference' = 'decode'
  timer: NodeJS.Timeout | undefined
  /** Terminated or crashed: its events no longer count. */
  gone = false
  constructor(
    readonly worker: Worker,
    readonly number: number,
  ) {}
}

const NO_TIME = { decodeMs: 0, inferenceMs: 0 }

/**
 * Worker threads that each hold decoders and a model and take one image at a time, so at most
 * `size` images are decoded at once. A worker that crashes, exits or overruns the budget is
 * terminated and replaced; its image gets an answer, the others are not affected.
 */
export class WorkerPool {
  private readonly idle: Slot[] = []
  private readonly queue: Job[] = []
  private readonly slots = new Set<Slot>()
  private started: Promise<void> | undefined
  private spawned = 0
  private tasks = 0
  private closed = false
  private fatal: FatalDetectorError | undefined
  private readonly entry: URL

  constructor(private readonly options: PoolOptions) {
    this.entry = options.worker ?? locateWorker()
  }

  /** Starts every worker; rejects with `FatalDetectorError` when one cannot load. */
  start(): Promise<void> {
    this.started ??= (async () => {
      const results = await Promise.allSettled(
        Array.from({ length: this.options.size }, () => this.spawn()),
      )
      const failed = results.find((r) => r.status === 'rejected')
      if (failed !== undefined) {
        await this.close()
        throw new FatalDetectorError(
          `The local detector could not start: ${errorMessage(failed.reason)}`,
        )
      }
      for (const result of results) if (result.status === 'fulfilled') this.idle.push(result.value)
      this.pump()
    })()
    return this.started
  }

  /** Worker threads alive now (for tests and the bench). */
  get size(): number {
    return this.slots.size
  }

  async run(bytes: Uint8Array, format: ImageFormat, label = 'image'): Promise<Analysis> {
    await this.start()
    if (this.fatal !== undefined) throw this.fatal
    if (this.closed) throw new Error('The local detector is closed.')
    return new Promise<Analysis>((resolve, reject) => {
      this.queue.push({ bytes, format, label, resolve, reject })
      this.pump()
    })
  }

  async close(): Promise<void> {
    this.closed = true
    for (const job of this.queue.splice(0)) job.reject(new Error('The local detector is closed.'))
    const slots = [...this.slots]
    this.slots.clear()
    this.idle.length = 0
    await Promise.all(
      slots.map((slot) => {
        slot.gone = true
        clearTimeout(slot.timer)
        slot.job?.reject(new Error('The local detector is closed.'))
        return slot.worker.terminate()
      }),
    )
  }

  private spawn(): Promise<Slot> {
    const setup: WorkerSetup = { assets: this.options.assets, testHooks: this.options.testHooks }
    const worker = new Worker(this.entry, {
      workerData: setup,
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    })
    const slot = new Slot(worker, ++this.spawned)
    this.slots.add(slot)
    return new Promise<Slot>((resolve, reject) => {
      let ready = false
      const die = (why: string) => {
        if (!ready) {
          this.slots.delete(slot)
          slot.gone = true
          reject(new Error(why))
          return
        }
        this.onDeath(slot, why)
      }
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'ready') {
          ready = true
          worker.unref()
          resolve(slot)
        } else if (message.type === 'failed') {
          void worker.terminate()
          die(message.message)
        } else {
          this.onMessage(slot, message)
        }
      })
      worker.on('error', (error) => die(`crashed (${errorMessage(error)})`))
      worker.on('exit', (code) => die(`exited with code ${code}`))
    })
  }

  private about(slot: Slot): string {
    return slot.job === undefined ? `worker ${slot.number}` : slot.job.label
  }

  private onMessage(slot: Slot, message: WorkerMessage): void {
    if (message.type === 'log') {
      const about =
        message.id === slot.taskId && slot.job ? slot.job.label : `worker ${slot.number}`
      this.options.log.debug(`local detector (${about}): ${message.message}`)
      return
    }
    if (slot.gone || slot.job === undefined) return
    if (message.type === 'inference' && message.id === slot.taskId) slot.phase = 'inference'
    if (message.type === 'result' && message.id === slot.taskId) {
      const { job } = slot
      this.release(slot)
      job.resolve({ detection: message.detection, timings: message.timings })
    }
  }

  private dispatch(slot: Slot, job: Job): void {
    slot.job = job
    slot.taskId = ++this.tasks
    slot.phase = 'decode'
    // One copy, made only now that a worker is free, then moved to the worker without another.
    const copy = job.bytes.slice()
    const task: WorkerTask = { id: slot.taskId, bytes: copy.buffer, format: job.format }
    slot.worker.ref()
    slot.worker.postMessage(task, [copy.buffer])
    slot.timer = setTimeout(() => {
      this.onOverrun(slot)
    }, this.options.budgetMs)
  }

  private release(slot: Slot): void {
    clearTimeout(slot.timer)
    slot.job = undefined
    slot.worker.unref()
    this.idle.push(slot)
    this.pump()
  }

  private pump(): void {
    while (!this.closed && this.idle.length > 0 && this.queue.length > 0) {
      const slot = this.idle.pop()
      const job = this.queue.shift()
      if (slot !== undefined && job !== undefined) this.dispatch(slot, job)
    }
  }

  private onOverrun(slot: Slot): void {
    const { job } = slot
    if (slot.gone || job === undefined) return
    const seconds = this.options.budgetMs / 1000
    const detection: Detection =
      slot.phase === 'decode'
        ? {
            status: 'reject',
            code: 'InvalidURL',
            message: `The image could not be decoded within ${seconds} s.`,
          }
        : {
            status: 'error',
            code: 'DetectorTimeout',
            message: `The pose model did not finish within ${seconds} s.`,
          }
    this.options.log.warning(
      `local detector (${job.label}): over its ${seconds} s budget while ${slot.phase === 'decode' ? 'decoding' : 'running the pose model'}; its worker was replaced.`,
    )
    this.retire(slot)
    void slot.worker.terminate()
    job.resolve({ detection, timings: NO_TIME })
  }

  private onDeath(slot: Slot, why: string): void {
    if (slot.gone) return
    const { job } = slot
    this.options.log.warning(
      `local detector (${this.about(slot)}): its worker ${why}; a new one replaces it.`,
    )
    this.retire(slot)
    job?.resolve({
      detection: {
        status: 'error',
        code: 'DetectorCrashed',
        message: `The local detector's worker ${why} on this image.`,
      },
      timings: NO_TIME,
    })
  }

  /** Forgets a slot and starts its replacement; the pool fails only when no worker is left. */
  private retire(slot: Slot): void {
    slot.gone = true
    clearTimeout(slot.timer)
    slot.job = undefined
    this.slots.delete(slot)
    const at = this.idle.indexOf(slot)
    if (at >= 0) this.idle.splice(at, 1)
    if (this.closed) return
    this.spawn().then(
      (fresh) => {
        if (this.closed) {
          void fresh.worker.terminate()
          return
        }
        this.idle.push(fresh)
        this.pump()
      },
      (error: unknown) => {
        this.options.log.warning(
          `local detector: a replacement worker failed to start (${errorMessage(error)}).`,
        )
        if (this.slots.size > 0) return
        const fatal = new FatalDetectorError(
          `The local detector could not restart a worker: ${errorMessage(error)}`,
        )
        this.fatal = fatal
        for (const job of this.queue.splice(0)) job.reject(fatal)
      },
    )
  }
}
