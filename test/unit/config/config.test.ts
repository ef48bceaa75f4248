import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../../src/core/errors.js'
import {
  DEFAULT_BASE_URL,
  DEFAULT_ENDPOINT,
  parseAccept,
  parseConfig,
  splitPatterns,
} from '../../../src/config/config.js'

const reader =
  (values: Record<string, string>) =>
  (name: string): string =>
    values[name] ?? ''

describe('parseConfig', () => {
  it('applies the documented defaults', () => {
    const config = parseConfig(reader({ 'github-token': 't', 'api-key': 'k' }))
    expect(config.detector).toMatchObject({
      backend: 'dashscope',
      apiKey: 'k',
      model: 'animate-anyone-detect-gen2',
      concurrency: 4,
      timeoutMs: 30_000,
      rateLimit: 5,
      maxRetries: 4,
      upload: false,
    })
    expect(config).toMatchObject({
      githubToken: 't',
      baseUrl: DEFAULT_BASE_URL,
      include: ['**/*.{jpg,jpeg,png,bmp,webp}'],
      exclude: [],
      requireBodystyle: 'any',
      failOnReject: true,
      onApiError: 'fail',
      comment: 'always',
      timeoutMs: 30_000,
      mode: 'auto',
      maxImages: 1000,
      commentKey: '',
      maxAnnotations: 10,
      accept: [],
      skipDrafts: false,
    })
    expect(config.detector.backend === 'dashscope' && config.detector.endpoint.href).toBe(
      DEFAULT_ENDPOINT,
    )
  })

  it('takes the key from DASHSCOPE_API_KEY when the input is empty', () => {
    const config = parseConfig(reader({}), { DASHSCOPE_API_KEY: ' env-key ' })
    expect(config.detector).toMatchObject({ backend: 'dashscope', apiKey: 'env-key' })
  })

  it('resolves auto to local without a key', () => {
    expect(parseConfig(reader({})).detector).toEqual({ backend: 'local', concurrency: 4 })
  })

  it('requires a key for backend dashscope', () => {
    expect(() => parseConfig(reader({ backend: 'dashscope' }))).toThrow(
      /Input "api-key" is required/,
    )
  })

  it.each([
    [
      'backend',
      'remote',
      /Input "backend" must be one of "auto", "dashscope", "local"; got "remote"/,
    ],
    ['require-bodystyle', 'torso', /"require-bodystyle" must be one of "any", "full", "half"/],
    ['on-api-error', 'ignore', /"on-api-error" must be one of "fail", "warn"/],
    ['comment', 'sometimes', /"comment" must be one of "always", "on-failure", "never"/],
    ['mode', 'some', /"mode" must be one of "auto", "changed", "all"/],
    ['fail-on-reject', 'yes', /"fail-on-reject" must be "true" or "false"; got "yes"/],
    ['upload', '1', /"upload" must be "true" or "false"/],
    ['skip-drafts', 'yes', /"skip-drafts" must be "true" or "false"; got "yes"/],
    ['concurrency', '0', /"concurrency" must be an integer from 1 to 64; got "0"/],
    ['concurrency', '2.5', /"concurrency" must be an integer/],
    ['timeout', 'soon', /"timeout" must be a number from/],
    ['max-images', '-1', /"max-images" must be an integer/],
    ['rate-limit', '0', /"rate-limit" must be a number/],
    ['max-retries', '99', /"max-retries" must be an integer from 0 to 20/],
    ['max-annotations', '-1', /"max-annotations" must be an integer from 0 to 1000; got "-1"/],
    ['endpoint', 'not a url', /"endpoint" must be an absolute http\(s\) URL/],
    ['endpoint', 'ftp://x/y', /"endpoint" must be an http\(s\) URL/],
    ['base-url', 'raw/{path}', /"base-url" must start with http/],
  ])('rejects %s=%s naming the input', (name, value, message) => {
    const read = reader({ 'api-key': 'k', [name]: value })
    expect(() => parseConfig(read)).toThrow(ConfigError)
    expect(() => parseConfig(read)).toThrow(message)
    try {
      parseConfig(read)
    } catch (error) {
      expect((error as ConfigError).input).toBe(name)
    }
  })

  it('accepts choices in any case and booleans as YAML writes them', () => {
    const config = parseConfig(
      reader({ 'api-key': 'k', comment: 'On-Failure', 'fail-on-reject': 'False', timeout: '2.5' }),
    )
    expect(config.comment).toBe('on-failure')
    expect(config.failOnReject).toBe(false)
    expect(config.timeoutMs).toBe(2500)
  })
})

describe('comment-key', () => {
  it('is empty by default and sanitised to letters, digits, ".", "_" and "-"', () => {
    expect(parseConfig(reader({})).commentKey).toBe('')
    expect(parseConfig(reader({ 'comment-key': ' full body/--> ' })).commentKey).toBe('full-body')
    expect(parseConfig(reader({ 'comment-key': 'v2.half_body' })).commentKey).toBe('v2.half_body')
  })
})

describe('accept', () => {
  const sha1 = 'A'.repeat(40)
  const sha256 = '0123456789abcdef'.repeat(4)

  it('reads blob SHAs and path@blobsha lines, skipping blanks and comments', () => {
    expect(
      parseAccept(
        `# reviewed by the art team\n${sha1}\n\n  characters/bob/side-view.jpg@${sha256}  \r\nodd@name.jpg@${sha1}`,
      ),
    ).toEqual([
      { sha: 'a'.repeat(40) },
      { sha: sha256, path: 'characters/bob/side-view.jpg' },
      { sha: 'a'.repeat(40), path: 'odd@name.jpg' },
    ])
    expect(parseConfig(reader({})).accept).toEqual([])
  })

  it.each([
    ['abc123', 1],
    [`${'a'.repeat(40)}\n${'g'.repeat(40)}`, 2],
    ['a'.repeat(41), 1],
    [`@${'a'.repeat(40)}`, 1],
    [`\n\nphoto.jpg@${'a'.repeat(39)}`, 3],
  ])('refuses %j naming the input and line %i', (value, line) => {
    expect(() => parseConfig(reader({ accept: value }))).toThrow(ConfigError)
    expect(() => parseAccept(value)).toThrow(
      new RegExp(
        `^Input "accept" line ${line} is not a blob SHA \\(40 or 64 hex digits\\) or path@blobsha: ".+"\\. .*git hash-object`,
      ),
    )
  })
})

describe('splitPatterns', () => {
  it('splits on newlines and commas but not inside braces', () => {
    expect(splitPatterns('**/*.{jpg,png}, docs/**\n  people/*.webp\n\n# comment')).toEqual([
      '**/*.{jpg,png}',
      'docs/**',
      'people/*.webp',
    ])
  })
})
