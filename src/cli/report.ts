import { safeText } from '../shared/untrusted.js'
import { countResults, type ImageResult } from '../detect/results.js'

/** One line per image for a terminal. */
export function resultLine(result: ImageResult): string {
  const mark = { pass: 'PASS  ', reject: 'REJECT', error: 'ERROR ', accepted: 'ACCEPT' }[
    result.status
  ]
  const detail =
    result.status === 'pass'
      ? `${result.bodystyle ?? ''} body`
      : `${safeText(result.code ?? '')}: ${safeText(result.message ?? '')}`
  return `${mark} ${safeText(result.path)}  ${detail}`
}

export function countsLine(results: readonly ImageResult[]): string {
  const counts = countResults(results)
  return `${counts.checked} checked: ${counts.passed} passed, ${counts.rejected} rejected, ${counts.errors} errors`
}

/** 0 every image passed, 1 an image was rejected, 2 an image could not be checked. */
export function exitStatus(results: readonly ImageResult[]): number {
  const counts = countResults(results)
  if (counts.errors > 0) return 2
  return counts.rejected > 0 ? 1 : 0
}
