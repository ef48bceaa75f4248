import type { Dispatcher } from 'undici'
import type { DetectorConfig } from '../config/config.js'
import type { Logger } from '../core/log.js'
import { DashScopeDetector } from './dashscope/client.js'
import { LOCAL_DETECTOR_NAME, LocalDetector } from './local/detector.js'
import type { Detector } from './types.js'

/** The only place that knows which backends exist. */
export function createDetector(
  config: DetectorConfig,
  log: Logger,
  dispatcher?: Dispatcher,
): Detector {
  switch (config.backend) {
    case 'local':
      return new LocalDetector(config.concurrency, undefined, { log })
    case 'dashscope':
      return new DashScopeDetector({
        ...config,
        log,
        ...(dispatcher === undefined ? {} : { dispatcher }),
      })
  }
}

/** The detector as the report names it. */
export function describeDetector(config: DetectorConfig): string {
  switch (config.backend) {
    case 'local':
      return `the embedded local detector (${LOCAL_DETECTOR_NAME})`
    case 'dashscope':
      return `DashScope ${config.model}`
  }
}
