import { DetectorAuthError } from '../../shared/errors.js'
import type { Detection } from '../types.js'

/** What one HTTP exchange means: a verdict, something worth trying again, or the end of the run. */
export type AttemptOutcome<T> =
  | { kind: 'final'; value: T }
  | {
      kind: 'retry'
      /** What to report if no attempt is left. */
      error: Detection
      throttled: boolean
      retryAfterMs?: number
    }
  | { kind: 'failed'; error: Detection }
  | { kind: 'fatal'; error: DetectorAuthError }

export interface HttpAnswer {
  status: number
  contentType: string
  body: string
  retryAfterMs?: number
}

const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504])
const REJECTION_CODE = /^(InvalidFile(\.[A-Za-z]+)*|InvalidURL)$/

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status)
}

/** `HTTP 503 ServiceUnavailable: busy (request_id 42)`: status, code and request id when known. */
export function describeFailure(
  status: number | undefined,
  code: string | undefined,
  message: string | undefined,
  requestId: string | undefined,
): string {
  const head = [status === undefined ? undefined : `HTTP ${status}`, code].filter(Boolean).join(' ')
  const text = [head, message].filter((part) => part !== undefined && part !== '').join(': ')
  return requestId === undefined ? text : `${text} (request_id ${requestId})`
}

/**
 * The code a `check_pass:false` answer stands for. The service explains in `reason`, in English or
 * Chinese; an explicit code wins, then keywords in the order the service checks them.
 */
export function codeFromReason(reason: string): string {
  const explicit = /\b(InvalidFile\.[A-Za-z]+|InvalidURL)\b/.exec(reason)
  if (explicit?.[1] !== undefined) return explicit[1]
  const text = reason.toLowerCase()
  if (/resolution|too (small|large)|pixel|分辨率|尺寸/.test(text)) return 'InvalidFile.Resolution'
  if (/format|格式/.test(text)) return 'InvalidURL'
  if (/no person|multiple|several|more than one|people|persons|人数|多人|无人|没有人/.test(text))
    return 'InvalidFile.Content'
  if (/face|head|人脸|面部|头部/.test(text)) return 'InvalidFile.FacePose'
  if (/pose|body|shoulder|ankle|sitting|back|side|occlu|姿态|姿势|人体|肩|脚踝|遮挡/.test(text))
    return 'InvalidFile.BodyPose'
  return 'CheckFailed'
}

/** 401/403: the key is wrong for this endpoint; every further request would fail alike. */
export function authFailure(
  status: number,
  code: string | undefined,
  message: string | undefined,
  requestId: string | undefined,
): DetectorAuthError {
  const hint =
    status === 401
      ? 'check the api-key secret: it must be a valid DashScope API key for this endpoint'
      : 'the key may lack access to this model, or the endpoint is in another region or workspace than the key (see "endpoint" in the README)'
  return new DetectorAuthError(
    `DashScope refused the API key: ${describeFailure(status, code, message, requestId)}. Fix: ${hint}.`,
    status,
    code,
    requestId,
  )
}

type Json = Record<string, unknown>
const asObject = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined
const asString = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined

function parseJson(answer: HttpAnswer): Json | undefined {
  if (!/^application\/([a-z.+-]*\+)?json\b/i.test(answer.contentType)) return undefined
  try {
    return asObject(JSON.parse(answer.body))
  } catch {
    return undefined
  }
}

function snippet(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim()
  return flat.length > 120 ? `${flat.slice(0, 120)}…` : flat
}

/**
 * Maps one aa-detect answer to a detection. A verdict is trusted only from a complete answer:
 * anything malformed is an error (retried where it may be transient), never a pass.
 */
export function interpretDetectAnswer(answer: HttpAnswer): AttemptOutcome<Detection> {
  const json = parseJson(answer)
  const requestId = asString(json?.request_id)
  const code = asString(json?.code)
  const message = asString(json?.message)
  const error = (errorCode: string, text: string): Detection => ({
    status: 'error',
    code: errorCode,
    message: describeFailure(answer.status, code, text, requestId),
    ...(requestId === undefined ? {} : { requestId }),
  })

  if (answer.status === 401 || answer.status === 403) {
    return { kind: 'fatal', error: authFailure(answer.status, code, message, requestId) }
  }

  if (answer.status === 200) {
    if (json === undefined) {
      const kind = parseJsonLoosely(answer.body) ? 'a non-JSON content type' : 'a malformed body'
      return {
        kind: 'retry',
        throttled: false,
        error: error(
          'MalformedResponse',
          `answer with ${kind} (${answer.contentType || 'no content type'}): ${snippet(answer.body)}`,
        ),
      }
    }
    const output = asObject(json.output)
    const checkPass = output?.check_pass
    if (typeof checkPass !== 'boolean') {
      return {
        kind: 'final',
        value: error('IncompleteResponse', 'answer without output.check_pass'),
      }
    }
    const bodystyle = output?.bodystyle
    const knownBodystyle = bodystyle === 'full' || bodystyle === 'half' ? bodystyle : undefined
    const id = requestId === undefined ? {} : { requestId }
    if (checkPass) {
      if (knownBodystyle === undefined) {
        return {
          kind: 'final',
          value: error(
            'IncompleteResponse',
            'passing answer without output.bodystyle "full" or "half"',
          ),
        }
      }
      return { kind: 'final', value: { status: 'pass', bodystyle: knownBodystyle, ...id } }
    }
    const reason = asString(output?.reason) ?? 'The image did not pass the check.'
    return {
      kind: 'final',
      value: {
        status: 'reject',
        code: codeFromReason(reason),
        message: reason,
        ...(knownBodystyle === undefined ? {} : { bodystyle: knownBodystyle }),
        ...id,
      },
    }
  }

  if (answer.status === 400 && code !== undefined && REJECTION_CODE.test(code)) {
    return {
      kind: 'final',
      value: {
        status: 'reject',
        code,
        message: message ?? code,
        ...(requestId === undefined ? {} : { requestId }),
      },
    }
  }

  const described =
    json === undefined ? snippet(answer.body) || 'no body' : (message ?? 'no message')
  if (isRetryableStatus(answer.status)) {
    const retry: AttemptOutcome<Detection> = {
      kind: 'retry',
      throttled: answer.status === 429,
      error: error(answer.status === 429 ? 'Throttling' : 'ServiceError', described),
    }
    if (answer.retryAfterMs !== undefined) retry.retryAfterMs = answer.retryAfterMs
    return retry
  }
  if (answer.status >= 300 && answer.status < 400) {
    return {
      kind: 'final',
      value: error('Redirect', 'redirects are not followed; point endpoint at the final URL'),
    }
  }
  return { kind: 'final', value: error(code ?? 'HttpError', described) }
}

function parseJsonLoosely(body: string): boolean {
  try {
    JSON.parse(body)
    return true
  } catch {
    return false
  }
}
