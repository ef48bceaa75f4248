import { DetectorAuthError } from '../../core/errors.js'
import { asObject, asString, parseJsonObject, type JsonObject } from '../../core/json.js'
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
/**
 * `aa-check serve`'s answer for an `oss://` URL its temporary storage no longer holds (expired or
 * evicted): says nothing about the image, so the client uploads it again and never records it.
 */
export const OBJECT_MISSING_CODE = 'InvalidURL.ObjectNotFound'
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
  const answer = describeFailure(status, code, message, requestId)
  return new DetectorAuthError(
    `DashScope refused the API key: ${answer}. Fix: ${hint}.`,
    status,
    code,
    requestId,
    answer,
  )
}

function parseJson(answer: HttpAnswer): JsonObject | undefined {
  if (!/^application\/([a-z.+-]*\+)?json\b/i.test(answer.contentType)) return undefined
  return parseJsonObject(answer.body)
}

/**
 * What a status means before the body is read as an answer of its own: 401/403 end the run, and
 * 408/429/5xx are worth another try (429 slows the whole run). Undefined for every other status.
 * `failure(code)` builds the caller's own error for the retry case.
 */
export function statusOutcome<T>(
  answer: HttpAnswer,
  json: JsonObject | undefined,
  failure: (code: 'Throttling' | 'ServiceError') => Detection,
): AttemptOutcome<T> | undefined {
  if (answer.status === 401 || answer.status === 403) {
    const text = (name: string) => asString(json?.[name], true)
    return {
      kind: 'fatal',
      error: authFailure(answer.status, text('code'), text('message'), text('request_id')),
    }
  }
  if (!isRetryableStatus(answer.status)) return undefined
  const throttled = answer.status === 429
  const retry: AttemptOutcome<T> = {
    kind: 'retry',
    throttled,
    error: failure(throttled ? 'Throttling' : 'ServiceError'),
  }
  if (answer.retryAfterMs !== undefined) retry.retryAfterMs = answer.retryAfterMs
  return retry
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
  const requestId = asString(json?.request_id, true)
  const code = asString(json?.code, true)
  const message = asString(json?.message, true)
  const error = (errorCode: string, text: string): Detection => ({
    status: 'error',
    code: errorCode,
    message: describeFailure(answer.status, code, text, requestId),
    ...(requestId === undefined ? {} : { requestId }),
  })

  const described =
    json === undefined ? snippet(answer.body) || 'no body' : (message ?? 'no message')
  const early = statusOutcome<Detection>(answer, json, (errorCode) => error(errorCode, described))
  if (early !== undefined) return early

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
    const reason = asString(output?.reason, true) ?? 'The image did not pass the check.'
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
