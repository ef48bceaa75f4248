import { FatalDetectorError, errorMessage } from '../core/errors.js'
import type { ResolvedImage } from '../resolve/resolved-image.js'
import type { Detection, Detector } from './types.js'

/** Where recorded verdicts come from and go to (the comment's or a file's record). */
export interface VerdictStore {
  get(sha: string): Detection | undefined
  remember(sha: string, detection: Detection): void
}

export interface DetectAllOptions {
  detector: Detector
  cache?: VerdictStore
  /** Called as each image's detection is ready (in completion order), for progress. */
  onDetection?: (image: ResolvedImage, detection: Detection, index: number) => void
}

export interface Detected {
  /** One detection per image, in input order. */
  detections: Detection[]
  /** Images whose verdict came from the cache. */
  reused: number
}

/**
 * The detection loop every caller shares (the action, `check`, `audit`): equal content is detected
 * once, recorded verdicts are reused, a failure on one image becomes that image's error result,
 * and only a detector that cannot work at all (FatalDetectorError) ends the run.
 */
export async function detectAll(
  images: readonly ResolvedImage[],
  options: DetectAllOptions,
): Promise<Detected> {
  const { detector, cache } = options
  let reused = 0
  const bySha = new Map<string, Promise<Detection>>()
  const detect = (image: ResolvedImage): Promise<Detection> => {
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
  const detections = await Promise.all(
    images.map(async (image, index) => {
      const detection = await detect(image)
      options.onDetection?.(image, detection, index)
      return detection
    }),
  )
  return { detections, reused }
}
