import { FatalDetectorError, errorMessage } from '../core/errors.js'
import { applyBodystyleRule, toResult, type ImageResult } from '../decide/decide.js'
import type { Detection, DetectionJob, Detector } from './types.js'
import type { RequiredBodystyle } from '../core/types.js'

/** One image to detect: the job, plus the path and URL its result is listed under. */
export interface ImageToDetect extends Omit<DetectionJob, 'sha'> {
  /** Blob sha of the content, when known before reading: equal content is detected once. */
  sha: string | undefined
}

/** Where recorded verdicts come from and go to (the comment's or a file's record). */
export interface VerdictStore {
  get(sha: string): Detection | undefined
  remember(sha: string, detection: Detection): void
}

export interface DetectAllOptions {
  detector: Detector
  requireBodystyle: RequiredBodystyle
  cache?: VerdictStore
  /** Called as each image's result is ready (in completion order), for progress. */
  onResult?: (result: ImageResult, index: number) => void
  /** Keep the detector's evidence in each result (`aa-check check --explain`). */
  keepEvidence?: boolean
}

export interface Detected {
  /** One result per image, in input order. */
  results: ImageResult[]
  /** Images whose verdict came from the cache. */
  reused: number
}

/**
 * The detection loop every caller shares (the action, `check`, `audit`): equal content is detected
 * once, recorded verdicts are reused, a failure on one image becomes that image's error result,
 * and only a detector that cannot work at all (FatalDetectorError) ends the run.
 */
export async function detectAll(
  images: readonly ImageToDetect[],
  options: DetectAllOptions,
): Promise<Detected> {
  const { detector, cache } = options
  let reused = 0
  const bySha = new Map<string, Promise<Detection>>()
  const detect = (image: ImageToDetect): Promise<Detection> => {
    const { sha } = image
    if (sha !== undefined) {
      const pending = bySha.get(sha)
      if (pending !== undefined) return pending
      const recorded = cache?.get(sha)
      if (recorded !== undefined) {
        reused++
        const known = Promise.resolve(recorded)
        bySha.set(sha, known)
        return known
      }
    }
    const detection = detector.detect({ ...image, sha: sha ?? '' }).then(
      (found) => {
        if (sha !== undefined) cache?.remember(sha, found)
        return found
      },
      (error: unknown): Detection => {
        if (error instanceof FatalDetectorError) throw error
        return { status: 'error', code: 'InternalError', message: errorMessage(error) }
      },
    )
    if (sha !== undefined) bySha.set(sha, detection)
    return detection
  }
  const results = await Promise.all(
    images.map(async (image, index) => {
      const detection = await detect(image)
      const result = toResult(
        image.path,
        image.url,
        applyBodystyleRule(detection, options.requireBodystyle),
        image.sha ?? null,
      )
      if (options.keepEvidence === true && detection.evidence !== undefined) {
        result.evidence = detection.evidence
      }
      options.onResult?.(result, index)
      return result
    }),
  )
  return { results, reused }
}
