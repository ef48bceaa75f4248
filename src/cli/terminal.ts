import { countResults, type ImageResult } from '../decide/decide.js'
import { safeText } from '../core/untrusted.js'
import type { CliIo } from './io.js'

/** One line per image for a terminal, coloured by status where colour is wanted. */
export function resultLine(result: ImageResult, paint: CliIo['paint'] = (_, text) => text): string {
  const mark = {
    pass: paint('green', 'PASS  '),
    reject: paint('red', 'REJECT'),
    error: paint('yellow', 'ERROR '),
    accepted: paint('dim', 'ACCEPT'),
  }[result.status]
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

/** Files a directory walk left out, said once on stderr so nothing is skipped silently. */
export function reportSkipped(skipped: readonly string[], io: CliIo): void {
  if (skipped.length === 0) return
  const shown = skipped.slice(0, 10).map((path) => safeText(path))
  const more = skipped.length > shown.length ? `, and ${skipped.length - shown.length} more` : ''
  io.stderr(
    `Skipped ${skipped.length} file${skipped.length === 1 ? '' : 's'} that --include/--exclude leave out (formats other than JPEG, PNG, BMP and WEBP by default): ${shown.join(', ')}${more}\n`,
  )
}

const round = (value: number) => Math.round(value * 100) / 100
const box = (b: readonly number[]) => `[${b.map(round).join(', ')}]`

/**
 * What the local detector measured, as indented lines under a result: the rule that decided, the
 * people found (boxes as fractions of the photo), the head's angles, the shoulder ratio and the
 * objects at the hands or body. Other backends give no evidence.
 */
export function evidenceLines(result: ImageResult): string[] {
  const evidence = result.evidence
  if (evidence === undefined)
    return ['    (no evidence: only the local detector explains its verdicts)']
  const lines = [`    rule: ${safeText(evidence.rule)}`]
  lines.push(
    `    people: ${evidence.people.length}${evidence.people
      .map((p) => ` — ${p.source} ${round(p.score)} at ${box(p.box)}`)
      .join('')}`,
  )
  if (evidence.head !== undefined) {
    const { yaw, pitch, roll, faceScore } = evidence.head
    lines.push(
      `    head: yaw ${round(yaw)}°, pitch ${round(pitch)}°, roll ${round(roll)}°, face ${round(faceScore)}`,
    )
  }
  if (evidence.shoulderRatio !== undefined) {
    lines.push(`    shoulder ratio: ${round(evidence.shoulderRatio)}`)
  }
  if (evidence.objects.length > 0) {
    lines.push(
      `    objects: ${evidence.objects
        .map((o) => `${safeText(o.label)} ${round(o.score)} at ${box(o.box)}`)
        .join('; ')}`,
    )
  }
  return lines
}
