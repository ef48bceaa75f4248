/** An input has a value the action cannot use; the message names the input. */
export class ConfigError extends Error {
  override name = 'ConfigError'
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
  ) {
    super(message)
  }
}

/** The set of images to check could not be gathered completely; checking a part would mislead. */
export class GatherError extends Error {
  override name = 'GatherError'
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}

/** Reads `status` from an Octokit RequestError (or anything shaped like it). */
export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'status' in error) {
    const { status } = error
    if (typeof status === 'number') return status
  }
  return undefined
}
