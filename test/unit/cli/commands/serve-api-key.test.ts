import { describe, expect, it } from 'vitest'
import { resolveServeKey } from '../../../../src/cli/commands/serve.js'
import { UsageError } from '../../../../src/cli/io.js'

const files: Record<string, string> = {
  '/keys/ok': 'sk-from-file\n',
  '/keys/crlf': 'sk-from-file\r\n',
  '/keys/empty': '',
  '/keys/newline': '\n',
  '/keys/two-lines': 'sk-one\nsk-two\n',
}
const read = (file: string) => {
  const text = files[file]
  return text === undefined
    ? Promise.reject(new Error(`ENOENT: no such file or directory, open '${file}'`))
    : Promise.resolve(text)
}
const resolve = (sources: Record<string, string>, env: NodeJS.ProcessEnv = {}) =>
  resolveServeKey(sources, env, read)

describe('the key serve requires', () => {
  it('is none without --api-key, --api-key-file or AA_CHECK_SERVE_API_KEY', async () => {
    expect(await resolve({})).toBeUndefined()
    expect(await resolve({}, { AA_CHECK_SERVE_API_KEY: '' })).toBeUndefined()
  })

  it('comes from AA_CHECK_SERVE_API_KEY', async () => {
    expect(await resolve({}, { AA_CHECK_SERVE_API_KEY: 'sk-from-env' })).toBe('sk-from-env')
  })

  it('comes from --api-key-file without its trailing newline', async () => {
    expect(await resolve({ 'api-key-file': '/keys/ok' })).toBe('sk-from-file')
    expect(await resolve({ 'api-key-file': '/keys/crlf' })).toBe('sk-from-file')
  })

  it('takes an option over the environment', async () => {
    const env = { AA_CHECK_SERVE_API_KEY: 'sk-from-env' }
    expect(await resolve({ 'api-key': 'sk-flag' }, env)).toBe('sk-flag')
    expect(await resolve({ 'api-key-file': '/keys/ok' }, env)).toBe('sk-from-file')
  })

  it.each([
    [{ 'api-key-file': '/keys/missing' }, /Cannot read --api-key-file \/keys\/missing: ENOENT/],
    [{ 'api-key-file': '/keys/empty' }, /--api-key-file \/keys\/empty is empty/],
    [{ 'api-key-file': '/keys/newline' }, /is empty/],
    [{ 'api-key-file': '/keys/two-lines' }, /one line of printable characters/],
    [{ 'api-key': '' }, /--api-key is empty/],
    [{ 'api-key': 'sk-x', 'api-key-file': '/keys/ok' }, /not both/],
  ])('refuses %o as a usage error', async (sources, message) => {
    const error = await resolve(sources).catch((cause: unknown) => cause)
    expect(error).toBeInstanceOf(UsageError)
    expect((error as UsageError).message).toMatch(message)
  })
})
