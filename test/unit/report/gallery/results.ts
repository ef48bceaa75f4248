import type { ImageResult } from '../../../../src/decide/decide.js'

/** A rejected photo's result as the gallery tests start from; `changes` replaces any field. */
export function result(path: string, changes: Partial<ImageResult> = {}): ImageResult {
  return {
    path,
    url: `https://example.com/${path}`,
    status: 'reject',
    bodystyle: null,
    code: 'InvalidFile.BodyPose',
    message: 'Both shoulders must be visible.',
    requestId: null,
    sha: null,
    ...changes,
  }
}
