/**
 * An input has a value the action cannot use. The message names the input (`Input "x" must be…`);
 * `input` and `detail` let the CLI say the same of its flag (`Option --x must be…`).
 */
export class ConfigError extends Error {
  override name = 'ConfigError'
  constructor(
    readonly input: string,
    readonly detail: string,
  ) {
    super(`Input "${input}" ${detail}`)
  }
}

/**
 * The detector cannot work at all: every further image would fail the same way, so the run stops
 * at once with one message instead of one error per image.
 */
export class FatalDetectorError extends Error {
  override name = 'FatalDetectorError'
}

/** The detection service refused the credentials (401/403). */
export class DetectorAuthError extends FatalDetectorError {
  override name = 'DetectorAuthError'
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
    readonly requestId: string | undefined,
    /** What the service answered (status, code, message, request id), without the fix. */
    readonly answer: string = message,
  ) {
    super(message)
  }
}

/** The set of images to check could not be gathered completely; checking a part would mislead. */
export class GatherError extends Error {
  override name = 'GatherError'
}

/**
 * Text for anything thrown. Not every throw is an Error: Emscripten's `exit()` throws an
 * `ExitStatus` record, and `String(value)` would say "[object Object]".
 */
export function errorMessage(value: unknown): string {
  if (value instanceof Error) return value.message || value.name
  if (typeof value === 'string') return value
  if (typeof value === 'object' && value !== null) {
    const { message, name, status } = value as {
      message?: unknown
      name?: unknown
      status?: unknown
    }
    if (typeof message === 'string' && message !== '') return message
    if (typeof name === 'string' && name !== '')
      return typeof status === 'number' ? `${name} ${status}` : name
    try {
      return JSON.stringify(value)
    } catch {
      return 'an unprintable error'
    }
  }
  return String(value)
}

/** Reads `status` from an Octokit RequestError (or anything shaped like it). */
export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'status' in error) {
    const { status } = error
    if (typeof status === 'number') return status
  }
  return undefined
}
