import { createDetector } from '../detect/factory.js'
import type { ImageResult } from '../decide/decide.js'
import { detectAll, type ImageToDetect, type VerdictStore } from '../detect/run.js'
import type { Logger } from '../core/log.js'
import { safeLine } from '../core/untrusted.js'
import type { CliIo } from './io.js'
import type { CliSettings } from './options.js'

/**
 * Detects every target through the configured backend. `onResult` sees each result as it
 * finishes; a progress line on stderr (redrawn in place on a terminal) stays below them.
 * `cacheFor` gives the verdict store for the detector's identity (audit's results file records it).
 */
export async function detectTargets(
  targets: readonly ImageToDetect[],
  settings: CliSettings,
  io: CliIo,
  onResult?: (result: ImageResult) => void,
  cacheFor?: (identity: string) => VerdictStore,
  keepEvidence = false,
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
  const progressLine = () => {
    const filled = Math.round((30 * done) / targets.length)
    return `[${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${done}/${targets.length}`
  }
  const clear = () => {
    if (showProgress && io.interactive) io.stderr(`\r${' '.repeat(progressLine().length)}\r`)
  }
  const cache = cacheFor?.(detector.identity)
  const { results } = await detectAll(targets, {
    detector,
    requireBodystyle: settings.requireBodystyle,
    onResult: (result) => {
      done++
      clear()
      onResult?.(result)
      if (!showProgress) return
      if (io.interactive) io.stderr(progressLine())
      else if (done % Math.ceil(targets.length / 10) === 0 || done === targets.length) {
        io.stderr(`[${done}/${targets.length}]\n`)
      }
    },
    ...(cache === undefined ? {} : { cache }),
    keepEvidence,
  })
  if (showProgress && io.interactive) io.stderr('\n')
  return results
}
