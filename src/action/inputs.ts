import * as core from '@actions/core'
import { ConfigError } from '../shared/errors.js'
import type { RequiredBodystyle } from '../detect/types.js'

export const DEFAULT_ENDPOINT =
  'https://dashscope.aliyuncs.com/api/v1/services/aigc/image2video/aa-detect'
export const DEFAULT_MODEL = 'animate-anyone-detect-gen2'
export const DEFAULT_BASE_URL = 'https://raw.githubusercontent.com/{owner}/{repo}/{sha}/{path}'
export const DEFAULT_INCLUDE = '**/*.{jpg,jpeg,png,bmp,webp}'

export type Backend = 'dashscope' | 'local'
export type ApiErrorPolicy = 'fail' | 'warn'
export type CommentPolicy = 'always' | 'on-failure' | 'never'
export type Mode = 'auto' | 'changed' | 'all'

export interface Config {
  githubToken: string
  /** Undefined when neither `api-key` nor DASHSCOPE_API_KEY is set. */
  apiKey: string | undefined
  backend: Backend
  endpoint: URL
  model: string
  baseUrl: string
  include: string[]
  exclude: string[]
  requireBodystyle: RequiredBodystyle
  failOnReject: boolean
  onApiError: ApiErrorPolicy
  comment: CommentPolicy
  concurrency: number
  timeoutMs: number
  mode: Mode
  maxImages: number
  rateLimit: number
  maxRetries: number
  upload: boolean
  /** GITHUB_WORKSPACE: a checkout there is used for image bytes when its content matches. */
  workspace: string | undefined
}

/** Reads one input as the runner passes it: '' when unset. */
export type InputReader = (name: string) => string

/**
 * Builds the validated config from raw input values. Pure apart from the reader, so tests pass a
 * plain object; every error names the input and what it accepts.
 */
export function parseConfig(read: InputReader, env: NodeJS.ProcessEnv = {}): Config {
  const text = (name: string, fallback: string): string => {
    const value = read(name).trim()
    return value === '' ? fallback : value
  }
  const choice = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const value = text(name, fallback).toLowerCase()
    if ((allowed as readonly string[]).includes(value)) return value as T
    throw new ConfigError(
      `Input "${name}" must be one of ${allowed.map((a) => `"${a}"`).join(', ')}; got "${value}".`,
    )
  }
  const bool = (name: string, fallback: boolean): boolean => {
    const value = text(name, String(fallback))
    if (/^(true|True|TRUE)$/.test(value)) return true
    if (/^(false|False|FALSE)$/.test(value)) return false
    throw new ConfigError(`Input "${name}" must be "true" or "false"; got "${value}".`)
  }
  const number = (name: string, fallback: number, min: number, max: number, integer = true) => {
    const raw = text(name, String(fallback))
    const value = Number(raw)
    if (
      !Number.isFinite(value) ||
      (integer && !Number.isInteger(value)) ||
      value < min ||
      value > max
    ) {
      const kind = integer ? 'an integer' : 'a number'
      throw new ConfigError(`Input "${name}" must be ${kind} from ${min} to ${max}; got "${raw}".`)
    }
    return value
  }

  const apiKey = read('api-key').trim() || env.DASHSCOPE_API_KEY?.trim() || undefined
  const backendChoice = choice('backend', ['auto', 'dashscope', 'local'] as const, 'auto')
  const backend: Backend =
    backendChoice === 'auto' ? (apiKey === undefined ? 'local' : 'dashscope') : backendChoice
  if (backend === 'dashscope' && apiKey === undefined) {
    throw new ConfigError(
      'Input "api-key" is required with backend "dashscope": pass a DashScope key from a secret ' +
        '(api-key: ${{ secrets.DASHSCOPE_API_KEY }}) or set the DASHSCOPE_API_KEY environment variable.',
    )
  }

  const endpointText = text('endpoint', DEFAULT_ENDPOINT)
  let endpoint: URL
  try {
    endpoint = new URL(endpointText)
  } catch {
    throw new ConfigError(
      `Input "endpoint" must be an absolute http(s) URL; got "${endpointText}".`,
    )
  }
  if (endpoint.protocol !== 'https:' && endpoint.protocol !== 'http:') {
    throw new ConfigError(`Input "endpoint" must be an http(s) URL; got "${endpointText}".`)
  }

  const baseUrl = text('base-url', DEFAULT_BASE_URL)
  if (!/^https?:\/\//i.test(baseUrl)) {
    throw new ConfigError(
      `Input "base-url" must start with http:// or https:// (placeholders {owner}, {repo}, {sha}, {ref}, {path}); got "${baseUrl}".`,
    )
  }

  const include = splitPatterns(text('include', DEFAULT_INCLUDE))
  if (include.length === 0) throw new ConfigError('Input "include" must name at least one glob.')

  return {
    githubToken: read('github-token').trim(),
    apiKey,
    backend,
    endpoint,
    model: text('model', DEFAULT_MODEL),
    baseUrl,
    include,
    exclude: splitPatterns(read('exclude')),
    requireBodystyle: choice('require-bodystyle', ['any', 'full', 'half'] as const, 'any'),
    failOnReject: bool('fail-on-reject', true),
    onApiError: choice('on-api-error', ['fail', 'warn'] as const, 'fail'),
    comment: choice('comment', ['always', 'on-failure', 'never'] as const, 'always'),
    concurrency: number('concurrency', 4, 1, 64),
    timeoutMs: number('timeout', 30, 0.001, 600, false) * 1000,
    mode: choice('mode', ['auto', 'changed', 'all'] as const, 'auto'),
    maxImages: number('max-images', 1000, 1, 1_000_000),
    rateLimit: number('rate-limit', 5, 0.01, 1000, false),
    maxRetries: number('max-retries', 4, 0, 20),
    upload: bool('upload', false),
    workspace: env.GITHUB_WORKSPACE?.trim() || undefined,
  }
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

/** The one place that reads the action's inputs. */
export function getConfig(): Config {
  const config = parseConfig((name) => core.getInput(name), process.env)
  if (config.apiKey !== undefined) core.setSecret(config.apiKey)
  if (config.githubToken !== '') core.setSecret(config.githubToken)
  return config
}
