import type { Dispatcher } from 'undici'
import { ConfigError } from '../errors.js'
import type { Config } from '../inputs.js'
import { DashScopeDetector, type Logger } from './dashscope.js'
import type { Detector } from './types.js'

/** The only place that knows which backends exist. */
export function createDetector(config: Config, log: Logger, dispatcher?: Dispatcher): Detector {
  if (config.backend === 'local' || config.apiKey === undefined) {
    throw new ConfigError(
      'Input "backend" resolved to "local" (the default when no api-key is given), but the embedded local ' +
        'detector is not part of this release yet. Pass a DashScope key (api-key: ${{ secrets.DASHSCOPE_API_KEY }}) ' +
        'or set backend: dashscope with DASHSCOPE_API_KEY in the environment.',
    )
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
  return config.backend === 'dashscope' ? `DashScope ${config.model}` : `the local detector`
}
