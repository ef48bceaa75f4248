import type { Dispatcher } from 'undici'
import { ConfigError } from '../shared/errors.js'
import { LocalDetector } from './local/detector.js'
import type { Config } from '../action/inputs.js'
import { DashScopeDetector, type Logger } from './dashscope/client.js'
import type { Detector } from './types.js'

/** The only place that knows which backends exist. */
export function createDetector(config: Config, log: Logger, dispatcher?: Dispatcher): Detector {
  if (config.backend === 'local') return new LocalDetector(config.concurrency, undefined, { log })
  if (config.apiKey === undefined) {
    throw new ConfigError('Input "api-key" is required with backend "dashscope".')
  }
  return new DashScopeDetector({
    endpoint: config.endpoint,
    apiKey: config.apiKey,
    model: config.model,
    timeoutMs: config.timeoutMs,
    concurrency: config.concurrency,
    rateLimit: config.rateLimit,
    maxRetries: config.maxRetries,
    upload: config.upload,
    log,
    ...(dispatcher === undefined ? {} : { dispatcher }),
  })
}

export function describeDetector(config: Config): string {
  return config.backend === 'dashscope'
    ? `DashScope ${config.model}`
    : 'the embedded local detector (MoveNet MultiPose + AnimateAnyone rules)'
}
