import { STATUS_WORDS, countResults, type ImageResult } from '../decide/decide.js'
import { safeText } from '../core/untrusted.js'
import { DEFAULT_INCLUDE } from '../config/config.js'
import type { CliIo } from './io.js'

/** One line per image for a terminal, coloured by status where colour is wanted. */
export function resultLine(result: ImageResult, paint: CliIo['paint'] = (_, text) => text): string {
  const colour = ({ pass: 'green', reject: 'red', error: 'yellow', accepted: 'dim' } as const)[
    result.status
  ]
  const mark = paint(colour, STATUS_WORDS[result.status].padEnd(6))
  const detail =
    result.status === 'pass'
      ? `${result.bodystyle ?? ''} body`
      : `${safeText(result.code ?? '')}: ${safeText(result.message ?? '')}`
  return `${mark} ${safeText(result.path)}  ${detail}`
}

export function countsLine(results: readonly ImageResult[]): string {
  const counts = countResults(results)
  const accepted = counts.accepted > 0 ? `, ${counts.accepted} accepted` : ''
  return `${counts.checked} checked: ${counts.passed} passed, ${counts.rejected} rejected${accepted}, ${plural(counts.errors, 'error')}`
}

/**
 * The files that need attention, once more after every result has scrolled by: the rejected ones
 * with their codes, then those that could not be checked. Empty when every image passed.
 */
export function recapLines(
  results: readonly ImageResult[],
  paint: CliIo['paint'] = (_, text) => text,
): string[] {
  const lines: string[] = []
  const section = (status: ImageResult['status'], title: string) => {
    const matching = results.filter((result) => result.status === status)
    if (matching.length === 0) return
    lines.push(paint('bold', `${title} (${matching.length}):`))
    for (const result of matching) {
      lines.push(`  ${safeText(result.path)}  ${safeText(result.code ?? '')}`)
    }
  }
  section('reject', 'Rejected')
  section('error', 'Could not be checked')
  return lines
}

/** 0 every image passed, 1 an image was rejected, 2 an image could not be checked. */
export function exitStatus(results: readonly ImageResult[]): number {
  const counts = countResults(results)
  if (counts.errors > 0) return 2
  return counts.rejected > 0 ? 1 : 0
}

/** "1 error", "2 errors": a count with its noun, singular or plural. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`
}

/** The kinds of file a walk left out, most common first: ".txt ×3, .gif, no extension". */
export function skippedFormats(skipped: readonly string[]): string {
  const counts = new Map<string, number>()
  for (const path of skipped) {
    const name = path.split(/[\\/]/).at(-1) ?? path
    const dot = name.lastIndexOf('.')
    const kind = dot > 0 ? safeText(name.slice(dot).toLowerCase()).slice(0, 16) : 'no extension'
    counts.set(kind, (counts.get(kind) ?? 0) + 1)
  }
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
  const shown = sorted
    .slice(0, 6)
    .map(([kind, count]) => (count === 1 ? kind : `${kind} ×${count}`))
  return sorted.length > shown.length ? `${shown.join(', ')}, …` : shown.join(', ')
}

/** Files a directory walk left out, said once on stderr so nothing is skipped silently. */
export function reportSkipped(
  skipped: readonly string[],
  io: CliIo,
  include: readonly string[] = [DEFAULT_INCLUDE],
): void {
  if (skipped.length === 0) return
  const shown = skipped.slice(0, 10).map((path) => safeText(path))
  const more = skipped.length > shown.length ? `, and ${skipped.length - shown.length} more` : ''
  const taken = include.map((pattern) => safeText(pattern)).join(', ')
  io.stderr(
    `Skipped ${plural(skipped.length, 'file')} (${skippedFormats(skipped)}) that --include (${taken}) or --exclude leave out: ${shown.join(', ')}${more}\n`,
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
