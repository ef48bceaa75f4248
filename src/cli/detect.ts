import type { LocalTarget } from '../gather/local-files.js'
import type { Logger } from '../core/log.js'
import { WHOLE_RUN, type Shard } from '../core/shard.js'
import type { SkippedPath } from '../core/types.js'
import { safeLine } from '../core/untrusted.js'
import { decideImage, type ImageResult } from '../decide/decide.js'
import { describeDetector, createDetector } from '../detect/factory.js'
import { detectAll } from '../detect/run.js'
import { VerdictCache } from '../record/verdicts.js'
import { LOCAL_RUN, type RunReport } from '../report/run-report.js'
import { resolveLocalTarget } from '../resolve/local-image.js'
import type { CliIo } from './io.js'
import type { CliSettings } from './options.js'

export interface LocalRunOptions {
  /** What the run compares, for the report. */
  scope: string
  shard?: Shard
  skipped?: SkippedPath[]
  /** Sees each result in the targets' order, as soon as every one before it has finished. */
  onResult?: (result: ImageResult) => void
  /** Keep the detector's evidence in each result (`--explain`). */
  keepEvidence?: boolean
}

/** The CLI's logger: warnings on stderr, the rest dropped (results are the output). */
export function cliLogger(io: CliIo): Logger {
  return {
    debug: () => undefined,
    info: () => undefined,
    notice: () => undefined,
    warning: (message) => io.stderr(`warning: ${safeLine(message)}\n`),
  }
}

/**
 * Detects every target through the configured backend and decides each, as one run's report.
 * Results reach `onResult` in input order, so two runs print alike; a progress line on stderr
 * (redrawn in place on a terminal, and cleared when done) stays below them meanwhile.
 */
export async function checkLocalTargets(
  targets: readonly LocalTarget[],
  settings: CliSettings,
  io: CliIo,
  options: LocalRunOptions,
): Promise<RunReport> {
  const detector = createDetector(settings.detector, cliLogger(io))
  const images = targets.map((target) => resolveLocalTarget(target, settings.timeoutMs))
  let done = 0
  const showProgress = images.length >= 10
  const progressLine = () => {
    const filled = Math.round((30 * done) / images.length)
    return `[${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${done}/${images.length}`
  }
  const clear = () => {
    if (showProgress && io.interactive) io.stderr(`\r${' '.repeat(progressLine().length)}\r`)
  }
  const cache = new VerdictCache(detector.identity, LOCAL_RUN)
  const policy = {
    requireBodystyle: settings.requireBodystyle,
    accept: settings.accept,
    audience: 'cli' as const,
    keepEvidence: options.keepEvidence ?? false,
  }
  const results: ImageResult[] = new Array<ImageResult>(images.length)
  let nextInOrder = 0
  const { reused } = await detectAll(images, {
    detector,
    cache,
    onDetection: (image, detection, index) => {
      const result = decideImage(image, detection, policy)
      results[index] = result
      done++
      clear()
      for (let ready = results[nextInOrder]; ready !== undefined; ready = results[nextInOrder]) {
        options.onResult?.(ready)
        nextInOrder++
      }
      if (!showProgress) return
      if (io.interactive) io.stderr(progressLine())
      else if (done % Math.ceil(images.length / 10) === 0 || done === images.length) {
        io.stderr(`[${done}/${images.length}]\n`)
      }
    },
  })
  clear()
  return {
    repository: LOCAL_RUN,
    sha: LOCAL_RUN,
    scope: options.scope,
    shard: options.shard ?? WHOLE_RUN,
    detector: describeDetector(settings.detector),
    identity: cache.identity,
    results,
    skipped: options.skipped ?? [],
    reused,
    stats: detector.stats(),
    verdicts: cache.snapshot(),
  }
}
