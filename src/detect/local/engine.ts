import type { Detection } from '../types.js'
import type { AssetPaths } from './assets.js'
import { errorMessage } from '../../core/errors.js'
import { ImageDecoder, UndecodableError } from './decode.js'
import { loadModels, observe, observeInput, type Models, type ObserveInput } from './observe.js'
import type { ImageFormat } from './precheck.js'
import { judge } from './rules.js'

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
 * Decoders and models for one thread: decode (as a viewer shows it), downscale, the models
 * (people and objects, pose, face), the rules. Each worker thread holds one, loaded once.
 */
export class Engine {
  private constructor(
    private readonly decoder: ImageDecoder,
    private readonly models: Models,
  ) {}

  static async load(assets: AssetPaths): Promise<Engine> {
    const decoder = new ImageDecoder(assets)
    await decoder.init()
    return new Engine(decoder, await loadModels(assets.models, assets.tfjsWasm))
  }

  /** The verdict for bytes that passed the precheck. `onInference` marks the end of decoding. */
  async analyse(
    bytes: Uint8Array,
    format: ImageFormat,
    onInference: () => void,
  ): Promise<Analysis> {
    const timings: StageTimings = { decodeMs: 0, inferenceMs: 0 }
    const decodeStarted = performance.now()
    const input = await this.workingImages(bytes, format)
    timings.decodeMs = performance.now() - decodeStarted
    if ('status' in input) return { detection: input, timings }
    onInference()
    const inferenceStarted = performance.now()
    const observation = await observe(this.models, input)
    timings.inferenceMs = performance.now() - inferenceStarted
    return { detection: judge(observation), timings }
  }

  /** Full-size pixels live only in here, so they are garbage before inference starts. */
  private async workingImages(
    bytes: Uint8Array,
    format: ImageFormat,
  ): Promise<ObserveInput | Detection> {
    try {
      return observeInput(await this.decoder.decode(bytes, format))
    } catch (error) {
      const reason =
        error instanceof UndecodableError
          ? error.message
          : `the decoder failed (${errorMessage(error)})`
      return {
        status: 'reject',
        code: 'InvalidURL',
        message: `The ${format.toUpperCase()} file cannot be decoded: ${reason}.`,
      }
    }
  }
}
