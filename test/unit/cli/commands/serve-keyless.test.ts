import { describe, expect, it } from 'vitest'
import { keylessStart } from '../../../../src/cli/commands/serve.js'
import { isLoopbackHost } from '../../../../src/serve/loopback.js'

describe('isLoopbackHost', () => {
  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '::1',
    '[::1]',
    'localhost',
    'LOCALHOST',
    '::ffff:127.0.0.1',
  ])('%s is loopback', (host) => expect(isLoopbackHost(host)).toBe(true))
  it.each(['0.0.0.0', '::', '10.0.0.5', '192.168.1.2', 'example.com', 'localhost.example.com'])(
    '%s is not',
    (host) => expect(isLoopbackHost(host)).toBe(false),
  )
})

describe('keylessStart', () => {
  it('refuses to serve beyond loopback without a key unless --no-auth', () => {
    expect(keylessStart('0.0.0.0', false, false)).toEqual({
      refusal:
        'Refusing to serve on 0.0.0.0 without a key: anyone who can reach it could use it. Set $AA_CHECK_SERVE_API_KEY or --api-key-file, or pass --no-auth.',
    })
    expect(keylessStart('0.0.0.0', false, true)).toEqual({
      notice:
        'aa-check serve: warning: --no-auth: anyone who can reach 0.0.0.0 can use this server',
    })
  })

  it('serves on loopback without a key, saying that any local process can use it', () => {
    expect(keylessStart('127.0.0.1', false, false)).toEqual({
      notice:
        'aa-check serve: no key set ($AA_CHECK_SERVE_API_KEY or --api-key-file): any local process can use this server',
    })
    expect(keylessStart('127.0.0.1', false, true)).toEqual({})
  })

  it('says nothing with a key, and refuses a key with --no-auth', () => {
    expect(keylessStart('0.0.0.0', true, false)).toEqual({})
    expect(keylessStart('127.0.0.1', true, true)).toEqual({
      refusal: 'Give --no-auth or a key, not both.',
    })
  })
})
