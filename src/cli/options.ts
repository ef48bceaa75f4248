import {
  inputReaders,
  parseAccept,
  parseDetectorConfig,
  type AcceptEntry,
  type DetectorConfig,
} from '../config/config.js'
import { ConfigError } from '../core/errors.js'
import { UsageError } from './io.js'
import type { RequiredBodystyle } from '../core/types.js'

/** The options `check` and `audit` share with the action's inputs (same names, same checks). */
export const DETECTION_OPTIONS = {
  backend: { type: 'string' },
  endpoint: { type: 'string' },
  'api-key': { type: 'string' },
  model: { type: 'string' },
  'require-bodystyle': { type: 'string' },
  concurrency: { type: 'string' },
  timeout: { type: 'string' },
  include: { type: 'string' },
  exclude: { type: 'string' },
  accept: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h', default: false },
} as const

export type Flags = Record<string, string | boolean | string[] | undefined>

/** What a CLI detection run needs, built once from the flags; never changed afterwards. */
export interface CliSettings {
  detector: DetectorConfig
  requireBodystyle: RequiredBodystyle
  timeoutMs: number
  /** Which files of a walked directory are images to check. */
  include: string[]
  exclude: string[]
  /** Reviewed content whose rejection is accepted: the action's `accept` syntax. */
  accept: AcceptEntry[]
}

/** Reads a flag like the action reads an input: '' when not given. */
export const flagReader =
  (flags: Flags) =>
  (name: string): string => {
    const value = flags[name]
    // A repeated flag (--accept) reads as the input's lines.
    if (Array.isArray(value)) return value.join('\n')
    return typeof value === 'string' ? value : ''
  }

/** Runs a config reader, turning its errors into usage errors that name the flag. */
export function withFlagNames<T>(build: () => T): T {
  try {
    return build()
  } catch (error) {
    if (error instanceof ConfigError)
      throw new UsageError(`Option --${error.input} ${error.detail}`)
    throw error
  }
}

/**
 * The settings from the flags. `needsUpload`: the hosted service cannot read local files, so
 * their bytes go through its temporary storage.
 */
export function cliSettings(
  flags: Flags,
  env: NodeJS.ProcessEnv,
  needsUpload: boolean,
): CliSettings {
  const read = flagReader(flags)
  return withFlagNames(() => {
    const input = inputReaders(read)
    return {
      detector: parseDetectorConfig(read, env, needsUpload, 'cli'),
      requireBodystyle: input.choice('require-bodystyle'),
      timeoutMs: input.number('timeout') * 1000,
      include: input.patterns('include'),
      exclude: input.patterns('exclude'),
      accept: parseAccept(read('accept')),
    }
  })
}
