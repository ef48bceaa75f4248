import type { Detection } from '../types.js'
import type { AssetPaths } from './assets.js'
import {
  ImageDecoder,
  UndecodableError,
  thrownText,
  toWorkingImage,
  type WorkingImage,
} from './decode.js'
import { PoseModel } from './pose.js'
import type { ImageFormat } from './precheck.js'
import { judge } from './rules.js'
import { LIMITS } from './thresholds.js'

/** Where one image's time went inside its worker. */
export interface StageTimings {
  decodeMs: number
  inferenceMs: number
}

export interface Analysis {
  detection: Detection
  timings: StageTimings
}

/**
 * Decoders and model for one thread: decode (as a viewer shows it), downscale, pose model, rules.
 * Each worker thread holds one, loaded once.
 */
export class Engine {
  private constructor(
    private readonly decoder: ImageDecoder,
    private readonly model: PoseModel,
  ) {}

  static async load(assets: AssetPaths): Promise<Engine> {
    const decoder = new ImageDecoder(assets)
    await decoder.init()
    return new Engine(decoder, await PoseModel.load(assets.models, assets.tfjsWasm))
  }

  /** The verdict for bytes that passed the precheck. `onInference` marks the end of decoding. */
  async analyse(
    bytes: Uint8Array,
    format: ImageFormat,
    onInference: () => void,
  ): Promise<Analysis> {
    const timings: StageTimings = { decodeMs: 0, inferenceMs: 0 }
    const decodeStarted = performance.now()
    const image = await this.workingImage(bytes, format)
    timings.decodeMs = performance.now() - decodeStarted
    if ('status' in image) return { detection: image, timings }
    onInference()
    const inferenceStarted = performance.now()
    const persons = await this.model.estimate(image)
    timings.inferenceMs = performance.now() - inferenceStarted
    const { width, height, meanLuma } = image
    return { detection: judge({ persons, width, height, meanLuma }), timings }
  }

  /** Full-size pixels live only in here, so they are garbage before inference starts. */
  private async workingImage(
    bytes: Uint8Array,
    format: ImageFormat,
  ): Promise<WorkingImage | Detection> {
    try {
      return toWorkingImage(await this.decoder.decode(bytes, format), LIMITS.workingSize)
    } catch (error) {
      const reason =
        error instanceof UndecodableError
          ? error.message
          : `the decoder failed (${thrownText(error)})`
      return {
        status: 'reject',
        code: 'InvalidURL',
        message: `The ${format.toUpperCase()} file cannot be decoded: ${reason}.`,
      }
    }
  }
}
