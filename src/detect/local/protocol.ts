import type { Detection } from '../types.js'
import type { AssetPaths } from './assets.js'
import type { StageTimings } from './engine.js'
import type { ImageFormat } from './precheck.js'

/** What a worker thread is started with. */
export interface WorkerSetup {
  assets: AssetPaths
  /** Honour the test hooks embedded in image bytes; set only by tests. */
  testHooks: boolean
}

/** One image for a worker: its bytes are transferred, not copied. */
export interface WorkerTask {
  id: number
  bytes: ArrayBuffer
  format: ImageFormat
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  /** Decoding of task `id` is over; the pose model runs. */
  | { type: 'inference'; id: number }
  | { type: 'result'; id: number; detection: Detection; timings: StageTimings }
  /** Something a library printed, with the task it printed during. */
  | { type: 'log'; id: number | undefined; message: string }

/** Bytes that make a worker misbehave on purpose when `testHooks` is set (in a JPEG comment, say). */
export const TEST_HOOK_PREFIX = 'aa-check-test:'
export const TEST_HOOKS = ['crash', 'exit', 'hang', 'hang-inference', 'print'] as const
export type TestHook = (typeof TEST_HOOKS)[number]
