import { createDetector } from '../detect/factory.js'
import type { ImageResult } from '../detect/results.js'
import { detectAll, type ImageToDetect, type VerdictStore } from '../detect/run.js'
import type { Logger } from '../shared/log.js'
import { safeLine } from '../shared/untrusted.js'
import type { CliIo } from './io.js'
import type { CliSettings } from './options.js'

/**
 * Detects every target through the configured backend, with a progress line on stderr.
 * `cacheFor` gives the verdict store for the detector's identity (audit's results file records it).
 */
export async function detectTargets(
  targets: readonly ImageToDetect[],
  settings: CliSettings,
  io: CliIo,
  cacheFor?: (identity: string) => VerdictStore,
): Promise<ImageResult[]> {
  const log: Logger = {
    debug: () => undefined,
    info: () => undefined,
    notice: () => undefined,
    warning: (message) => io.stderr(`warning: ${safeLine(message)}\n`),
  }
  const detector = createDetector(settings.detector, log)
  let done = 0
  const showProgress = targets.length >= 10
  const progress = () => {
    done++
    if (!showProgress) return
    if (io.interactive) {
      const filled = Math.round((30 * done) / targets.length)
      io.stderr(`\r[${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${done}/${targets.length}`)
    } else if (done % Math.ceil(targets.length / 10) === 0 || done === targets.length) {
      io.stderr(`[${done}/${targets.length}]\n`)
    }
  }
  const cache = cacheFor?.(detector.identity)
  const { results } = await detectAll(targets, {
    detector,
    requireBodystyle: settings.requireBodystyle,
    onResult: progress,
    ...(cache === undefined ? {} : { cache }),
  })
  if (showProgress && io.interactive) io.stderr('\n')
  return results
}
