import type { AcceptEntry, Config } from '../config/config.js'
import type { Bodystyle, Detection, DetectionStatus, Evidence } from '../detect/types.js'
import type { Audience, RequiredBodystyle } from '../core/types.js'

/** A detection's status, or `accepted`: rejected, but the team accepted this exact content. */
export type ResultStatus = DetectionStatus | 'accepted'

/** A result's status as one word for a log line or a terminal (six letters, for columns). */
export const STATUS_WORDS: Readonly<Record<ResultStatus, string>> = {
  pass: 'PASS',
  reject: 'REJECT',
  error: 'ERROR',
  accepted: 'ACCEPT',
}

/** One checked path, exactly as the `results` output lists it. */
export interface ImageResult {
  path: string
  url: string
  status: ResultStatus
  bodystyle: Bodystyle | null
  code: string | null
  message: string | null
  requestId: string | null
  /** Git blob sha of the content, when known: what `accept` names. */
  sha: string | null
  /** What the local detector measured and the rule that decided (only when asked for). */
  evidence?: Evidence
}

export interface Counts {
  checked: number
  passed: number
  rejected: number
  errors: number
  accepted: number
}

/**
 * A result without the detector's evidence: what the outputs, results files and JSON carry (the
 * evidence is the gallery's and `--explain`'s).
 */
export function withoutEvidence(result: ImageResult): ImageResult {
  const { evidence: _evidence, ...rest } = result
  return rest
}

/** A pass whose body style is not the one the repository requires is a rejection. */
export function applyBodystyleRule(
  detection: Detection,
  required: RequiredBodystyle,
  audience: Audience = 'action',
): Detection {
  if (detection.status !== 'pass' || required === 'any' || detection.bodystyle === required) {
    return detection
  }
  return {
    ...detection,
    status: 'reject',
    code: 'BodyStyleMismatch',
    message:
      audience === 'cli'
        ? `The photo is ${detection.bodystyle ?? 'of unknown'} body; --require-bodystyle ${required} asks for ${required} body.`
        : `The photo is ${detection.bodystyle ?? 'of unknown'} body; this repository requires ${required} body (require-bodystyle).`,
  }
}

export function toResult(
  path: string,
  url: string,
  detection: Detection,
  sha: string | null = null,
): ImageResult {
  return {
    path,
    url,
    status: detection.status,
    bodystyle: detection.bodystyle ?? null,
    code: detection.code ?? null,
    message: detection.message ?? null,
    requestId: detection.requestId ?? null,
    sha,
  }
}

/** What decides an image's result beyond its detection: the repository's policies. */
export interface ImagePolicy {
  requireBodystyle: RequiredBodystyle
  /** Whose words the messages use (the input or the flag); the action's by default. */
  audience?: Audience
  accept: readonly AcceptEntry[]
  /** Keep the detector's evidence in the result (`aa-check check --explain`, the gallery). */
  keepEvidence?: boolean
}

/**
 * One image's result from its detection, every policy applied once: the body style the repository
 * requires, then `accept` for content the team reviewed.
 */
export function decideImage(
  image: { path: string; url: string; sha: string | undefined },
  detection: Detection,
  policy: ImagePolicy,
): ImageResult {
  const result = toResult(
    image.path,
    image.url,
    applyBodystyleRule(detection, policy.requireBodystyle, policy.audience),
    image.sha ?? null,
  )
  if (policy.keepEvidence === true && detection.evidence !== undefined) {
    result.evidence = detection.evidence
  }
  return isAccepted(result, policy.accept) ? { ...result, status: 'accepted' } : result
}

/**
 * A rejection of content the team reviewed and listed in `accept` becomes `accepted`: the same blob
 * sha (and path, when the entry names one). Changed content has another sha, so it is rejected
 * again.
 */
export function applyAccepted(
  results: readonly ImageResult[],
  accept: readonly AcceptEntry[],
): ImageResult[] {
  return results.map((result) =>
    isAccepted(result, accept) ? { ...result, status: 'accepted' } : result,
  )
}

function isAccepted(result: ImageResult, accept: readonly AcceptEntry[]): boolean {
  const sha = result.sha?.toLowerCase()
  return (
    result.status === 'reject' &&
    sha !== undefined &&
    accept.some((entry) => entry.sha === sha && (entry.path ?? result.path) === result.path)
  )
}

export function countResults(results: readonly ImageResult[]): Counts {
  const count = (status: ResultStatus) => results.filter((r) => r.status === status).length
  return {
    checked: results.length,
    passed: count('pass'),
    rejected: count('reject'),
    errors: count('error'),
    accepted: count('accepted'),
  }
}

export interface RunOutcome {
  failed: boolean
  /** The failure message (names the counts), or the success line. */
  summary: string
  /** Said as a warning when errors do not fail the check. */
  warning?: string
}

/** Whether the check fails, from the counts and the two policies. Pure. */
export function decideOutcome(
  counts: Omit<Counts, 'accepted'> & Partial<Pick<Counts, 'accepted'>>,
  policy: Pick<Config, 'failOnReject' | 'onApiError'>,
): RunOutcome {
  const { checked, passed, rejected, errors } = counts
  const accepted = counts.accepted ?? 0
  if (checked === 0) return { failed: false, summary: 'No images to check.' }
  const parts = [`${rejected} of ${checked} image${checked === 1 ? '' : 's'} rejected`]
  if (errors > 0) parts.push(`${errors} could not be checked`)
  const also = accepted > 0 ? `, ${accepted} accepted` : ''
  const described = `${parts.join(', ')} (${passed} passed${also}).`
  const failsOnReject = rejected > 0 && policy.failOnReject
  const failsOnError = errors > 0 && policy.onApiError === 'fail'
  const verdict: RunOutcome = {
    failed: failsOnReject || failsOnError,
    summary:
      rejected === 0 && errors === 0
        ? accepted === 0
          ? `All ${checked} images passed.`
          : `${passed} of ${checked} images passed, ${accepted} accepted (accept input).`
        : described,
  }
  if (errors > 0 && policy.onApiError === 'warn') {
    verdict.warning = `${errors} image${errors === 1 ? '' : 's'} could not be checked (on-api-error: warn).`
  }
  return verdict
}
