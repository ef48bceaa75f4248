import { resolve } from 'node:path'
import { describeShard, parseShard, type Shard } from '../core/shard.js'
import type { Logger } from '../core/log.js'
import { ConfigError } from '../core/errors.js'
import { safeText } from '../core/untrusted.js'
import type { Audience, RequiredBodystyle } from '../core/types.js'

/**
 * The inputs' defaults exactly as action.yml declares them ('' = no default): the one table that
 * parseConfig, the CLI's usage text and the README check (test/unit/docs.test.ts) use. An input is
 * added here, with its typed field and its line in parseConfig below, in action.yml and the README.
 */
export const INPUT_DEFAULTS = {
  'github-token': '${{ github.token }}',
  'api-key': '',
  backend: 'auto',
  endpoint: 'https://dashscope.aliyuncs.com/api/v1/services/aigc/image2video/aa-detect',
  model: 'animate-anyone-detect-gen2',
  'base-url': 'https://raw.githubusercontent.com/{owner}/{repo}/{sha}/{path}',
  include: '**/*.{jpg,jpeg,png,bmp,webp}',
  exclude: '',
  'require-bodystyle': 'any',
  'fail-on-reject': 'true',
  'on-api-error': 'fail',
  comment: 'always',
  'comment-author': '',
  concurrency: '4',
  timeout: '30',
  mode: 'auto',
  'max-images': '1000',
  'rate-limit': '5',
  'max-retries': '4',
  upload: 'false',
  'record-file': '',
  'record-key': '',
  shard: '1/1',
  'results-file': '',
  'merge-results': '',
  'comment-key': '',
  'max-annotations': '10',
  accept: '',
  'skip-drafts': 'false',
  gallery: '',
  'check-run': 'auto',
} as const

export type InputName = keyof typeof INPUT_DEFAULTS

export const DEFAULT_ENDPOINT = INPUT_DEFAULTS.endpoint
export const DEFAULT_MODEL = INPUT_DEFAULTS.model
export const DEFAULT_BASE_URL = INPUT_DEFAULTS['base-url']
export const DEFAULT_INCLUDE = INPUT_DEFAULTS.include

/** Ranges of the numeric inputs: [min, max, integer]. */
export const INPUT_RANGES = {
  concurrency: [1, 64, true],
  timeout: [0.001, 600, false],
  'max-images': [1, 1_000_000, true],
  'rate-limit': [0.01, 1000, false],
  'max-retries': [0, 20, true],
  'max-annotations': [0, 1000, true],
} as const satisfies Partial<Record<InputName, readonly [number, number, boolean]>>

/** The choices of the enumerated inputs (a new backend adds its name here). */
export const INPUT_CHOICES = {
  backend: ['auto', 'dashscope', 'local'],
  'require-bodystyle': ['any', 'full', 'half'],
  'on-api-error': ['fail', 'warn'],
  comment: ['always', 'on-failure', 'never'],
  mode: ['auto', 'changed', 'all'],
  'check-run': ['auto', 'true', 'false'],
} as const satisfies Partial<Record<InputName, readonly string[]>>

export type ApiErrorPolicy = 'fail' | 'warn'
export type CommentPolicy = 'always' | 'on-failure' | 'never'
export type Mode = 'auto' | 'changed' | 'all'

/** The embedded detector: no key, no network. */
export interface LocalDetectorConfig {
  backend: 'local'
  /** Images read and analysed at once. */
  concurrency: number
}

/** DashScope (or anything answering its API, such as `aa-check serve`): a key is part of the type. */
export interface DashScopeDetectorConfig {
  backend: 'dashscope'
  apiKey: string
  endpoint: URL
  model: string
  timeoutMs: number
  concurrency: number
  /** Requests per second for every request of the run together. */
  rateLimit: number
  maxRetries: number
  /** Send the bytes through DashScope's temporary storage instead of a public URL. */
  upload: boolean
}

export type DetectorConfig = LocalDetectorConfig | DashScopeDetectorConfig

export interface Config {
  githubToken: string
  detector: DetectorConfig
  baseUrl: string
  include: string[]
  exclude: string[]
  requireBodystyle: RequiredBodystyle
  failOnReject: boolean
  onApiError: ApiErrorPolicy
  comment: CommentPolicy
  /** The login whose marker comment is the action's own; '' = the token's login or github-actions[bot]. */
  commentAuthor: string
  /** Sanitised `comment-key`: steps with different keys keep separate comments ('' = none). */
  commentKey: string
  /** Annotations on files at most (rejections first, then errors); a notice counts the rest. */
  maxAnnotations: number
  /** Reviewed content: a rejection of exactly this blob (at this path, when given) is accepted. */
  accept: AcceptEntry[]
  /** Draft pull requests are skipped: no detection, no comment. */
  skipDrafts: boolean
  /** Time allowed for one download or request. */
  timeoutMs: number
  mode: Mode
  maxImages: number
  /** GITHUB_WORKSPACE: a checkout there is used for image bytes when its content matches. */
  workspace: string | undefined
  /** The verdict record read at the start and written at the end (absolute); undefined = none. */
  recordFile: string | undefined
  /** Signs and verifies the record file (HMAC-SHA256); '' = a plain checksum. */
  recordKey: string
  /** The part of the images this run checks. */
  shard: Shard
  /** Where this run's results are written for a later merge (absolute); undefined = nowhere. */
  resultsFile: string | undefined
  /** Globs of results files to merge instead of detecting; empty = detect. */
  mergeResults: string[]
  /** Where the evidence gallery (HTML) is written (absolute); undefined = none. */
  gallery: string | undefined
  /** One check run annotating every file: `auto` falls back to workflow annotations on a 403. */
  checkRun: CheckRunMode
}

export type CheckRunMode = (typeof INPUT_CHOICES)['check-run'][number]

/** Reads one input as the runner passes it: '' when unset. */
export type InputReader = (name: string) => string

/**
 * Validated readers of single inputs, each falling back to the defaults table. Every error names
 * the input (in the message and in `ConfigError.input`), so the CLI can say `--name` instead.
 */
export function inputReaders(read: InputReader) {
  const text = (name: InputName): string => {
    const value = read(name).trim()
    return value === '' ? INPUT_DEFAULTS[name] : value
  }
  const choice = <N extends keyof typeof INPUT_CHOICES>(
    name: N,
  ): (typeof INPUT_CHOICES)[N][number] => {
    const allowed: readonly string[] = INPUT_CHOICES[name]
    const value = text(name).toLowerCase()
    const found = allowed.find((option) => option === value)
    if (found !== undefined) return found as (typeof INPUT_CHOICES)[N][number]
    throw new ConfigError(
      name,
      `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}; got "${value}".`,
    )
  }
  const bool = (name: InputName): boolean => {
    const value = text(name)
    if (/^(true|True|TRUE)$/.test(value)) return true
    if (/^(false|False|FALSE)$/.test(value)) return false
    throw new ConfigError(name, `must be "true" or "false"; got "${value}".`)
  }
  const number = (name: keyof typeof INPUT_RANGES): number => {
    const [min, max, integer] = INPUT_RANGES[name]
    const raw = text(name)
    const value = Number(raw)
    if (
      !Number.isFinite(value) ||
      (integer && !Number.isInteger(value)) ||
      value < min ||
      value > max
    ) {
      const kind = integer ? 'an integer' : 'a number'
      throw new ConfigError(name, `must be ${kind} from ${min} to ${max}; got "${raw}".`)
    }
    return value
  }
  const url = (name: 'endpoint'): URL => {
    const value = text(name)
    let parsed: URL
    try {
      parsed = new URL(value)
    } catch {
      throw new ConfigError(name, `must be an absolute http(s) URL; got "${value}".`)
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw new ConfigError(name, `must be an http(s) URL; got "${value}".`)
    }
    return parsed
  }
  const patterns = (name: 'include' | 'exclude'): string[] => splitPatterns(text(name))
  return { text, choice, bool, number, url, patterns }
}

/**
 * The detector's config: `auto` is DashScope when a key is present, else the embedded detector.
 * Input `upload` is forced on where the caller knows the service cannot fetch the images.
 */
export function parseDetectorConfig(
  read: InputReader,
  env: NodeJS.ProcessEnv,
  needsUpload = false,
  audience: Audience = 'action',
): DetectorConfig {
  const input = inputReaders(read)
  const apiKey = read('api-key').trim() || env.DASHSCOPE_API_KEY?.trim() || undefined
  const choice = input.choice('backend')
  const backend = choice === 'auto' ? (apiKey === undefined ? 'local' : 'dashscope') : choice
  const concurrency = input.number('concurrency')
  // Every input is validated whichever backend runs, so a typo never waits for the day it matters.
  const service = {
    endpoint: input.url('endpoint'),
    model: input.text('model'),
    timeoutMs: input.number('timeout') * 1000,
    concurrency,
    rateLimit: input.number('rate-limit'),
    maxRetries: input.number('max-retries'),
    upload: needsUpload || input.bool('upload'),
  }
  if (backend === 'local') return { backend, concurrency }
  if (apiKey === undefined) {
    throw new ConfigError(
      'api-key',
      audience === 'cli'
        ? 'is required with --backend dashscope: set the DASHSCOPE_API_KEY environment variable ' +
            '(--api-key KEY works too, but a command line is readable by every local user).'
        : 'is required with backend "dashscope": pass a DashScope key from a secret ' +
            '(api-key: ${{ secrets.DASHSCOPE_API_KEY }}) or set the DASHSCOPE_API_KEY environment variable.',
    )
  }
  return { backend, apiKey, ...service }
}

/**
 * Builds the validated config from raw input values. Pure apart from the reader, so tests pass a
 * plain object; every error names the input and what it accepts.
 */
export function parseConfig(read: InputReader, env: NodeJS.ProcessEnv = {}): Config {
  const input = inputReaders(read)
  const baseUrl = input.text('base-url')
  if (!/^https?:\/\//i.test(baseUrl)) {
    throw new ConfigError(
      'base-url',
      `must start with http:// or https:// (placeholders {owner}, {repo}, {sha}, {ref}, {path}); got "${baseUrl}".`,
    )
  }
  const include = input.patterns('include')
  if (include.length === 0) {
    throw new ConfigError('include', 'must name at least one glob.')
  }
  const workspace = env.GITHUB_WORKSPACE?.trim() || undefined
  // Relative paths mean the workspace, as they do for actions/cache and actions/upload-artifact.
  const path = (name: 'record-file' | 'results-file' | 'gallery'): string | undefined => {
    const value = input.text(name)
    return value === '' ? undefined : resolve(workspace ?? '.', value)
  }
  const shard = parseShard(input.text('shard'))
  const mergeResults = splitPatterns(input.text('merge-results'))
  if (mergeResults.length > 0 && shard.count > 1) {
    throw new ConfigError(
      'merge-results',
      `merges the shards' results and detects nothing: leave "shard" at 1/1 in the merging step; got shard "${shard.index}/${shard.count}".`,
    )
  }
  return {
    githubToken: read('github-token').trim(),
    detector: parseDetectorConfig(read, env),
    baseUrl,
    include,
    exclude: input.patterns('exclude'),
    requireBodystyle: input.choice('require-bodystyle'),
    failOnReject: input.bool('fail-on-reject'),
    onApiError: input.choice('on-api-error'),
    comment: input.choice('comment'),
    commentAuthor: read('comment-author').trim(),
    commentKey: sanitizeCommentKey(read('comment-key')),
    maxAnnotations: input.number('max-annotations'),
    accept: parseAccept(read('accept')),
    skipDrafts: input.bool('skip-drafts'),
    timeoutMs: input.number('timeout') * 1000,
    mode: input.choice('mode'),
    maxImages: input.number('max-images'),
    workspace,
    recordFile: path('record-file'),
    recordKey: read('record-key').trim(),
    shard,
    resultsFile: path('results-file'),
    mergeResults,
    gallery: path('gallery'),
    checkRun: input.choice('check-run'),
  }
}

/** One line of the `accept` input: a blob sha, for any path or for one path. */
export interface AcceptEntry {
  /** Lower-case git blob sha: 40 hex digits (SHA-1) or 64 (SHA-256 repositories). */
  sha: string
  path?: string
}

/**
 * The `accept` input: one `blobsha` or `path@blobsha` per line; empty lines and lines starting
 * with `#` are ignored. A line that is neither names itself in the error.
 */
export function parseAccept(value: string): AcceptEntry[] {
  const entries: AcceptEntry[] = []
  value.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) return
    const at = line.lastIndexOf('@')
    const path = at === -1 ? undefined : line.slice(0, at).trim()
    const sha = (at === -1 ? line : line.slice(at + 1)).trim().toLowerCase()
    if (!/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(sha) || path === '') {
      throw new ConfigError(
        'accept',
        `line ${index + 1} is not a blob SHA (40 or 64 hex digits) or path@blobsha: "${safeText(line, 120)}". ` +
          'The report prints the blob SHA of every rejected image; `git hash-object PATH` gives it too.',
      )
    }
    entries.push(path === undefined ? { sha } : { sha, path })
  })
  return entries
}

/**
 * A `comment-key` as it may stand in the comment's marker: letters, digits, `.`, `_` and `-` (no
 * `--`, which older parsers refuse inside an HTML comment), at most 64 characters.
 */
export function sanitizeCommentKey(key: string): string {
  return key
    .trim()
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 64)
}

/** Globs separated by newlines or commas; commas inside braces belong to the glob. */
export function splitPatterns(value: string): string[] {
  const patterns: string[] = []
  let current = ''
  let depth = 0
  for (const char of value) {
    if (char === '{') depth++
    if (char === '}') depth = Math.max(0, depth - 1)
    if (char === '\n' || char === '\r' || (char === ',' && depth === 0)) {
      patterns.push(current)
      current = ''
    } else {
      current += char
    }
  }
  patterns.push(current)
  return patterns.map((p) => p.trim()).filter((p) => p !== '' && !p.startsWith('#'))
}

/**
 * `rate-limit` is the account's limit, and the shards run at once against the same account: each
 * takes its share.
 */
export function shardDetectorConfig(
  detector: DetectorConfig,
  shard: Shard,
  log: Logger,
): DetectorConfig {
  if (shard.count === 1 || detector.backend !== 'dashscope') return detector
  const rateLimit = detector.rateLimit / shard.count
  log.info(
    `shard ${describeShard(shard)}: using rate-limit ${detector.rateLimit}/${shard.count} = ${Number(rateLimit.toFixed(3))} requests/s — the shards share one account.`,
  )
  return { ...detector, rateLimit }
}
