import { afterEach, describe, expect, it } from 'vitest'
import { FetchRefused, SafeFetcher, isPrivateAddress } from '../../../src/serve/safe-fetch.js'
import { listen } from '../../fakes/http.js'

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '192.0.2.1',
    '198.51.100.1',
    '203.0.113.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    'fec0::1',
    '2001:db8::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '::ffff:a00:1',
    '::10.0.0.1',
    '2002:a00:1::',
  ])('refuses %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true)
  })

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'allows %s',
    (address) => {
      expect(isPrivateAddress(address)).toBe(false)
    },
  )

  it('is not fooled by names: only addresses are judged here', () => {
    expect(isPrivateAddress('localhost')).toBe(false)
  })
})

describe('SafeFetcher', () => {
  const closers: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const close of closers.splice(0)) await close()
  })
  const fetcher = (options: Partial<ConstructorParameters<typeof SafeFetcher>[0]> = {}) => {
    const made = new SafeFetcher({
      allowPrivate: false,
      timeoutMs: 5000,
      maxBytes: 1024,
      maxRedirects: 3,
      connections: 4,
      ...options,
    })
    closers.push(() => made.close())
    return made
  }
  const refusal = async (promise: Promise<unknown>): Promise<FetchRefused> => {
    const error = await promise.then(
      () => undefined,
      (cause: unknown) => cause,
    )
    expect(error).toBeInstanceOf(FetchRefused)
    return error as FetchRefused
  }

  it('names --allow-private when a name resolves to a private address', async () => {
    const refused = await refusal(
      fetcher({
        lookup: () => Promise.resolve([{ address: '10.0.0.1', family: 4 }]),
      }).fetch('http://images.example/a.jpg'),
    )
    expect(refused.code).toBe('InvalidURL')
    expect(refused.message).toMatch(
      /^images\.example resolves to a private address \(10\.0\.0\.1: Private-Use, RFC 1918\); aa-check serve refuses private and special-purpose addresses unless started with --allow-private$/,
    )
  })

  it.each(['http://10.0.0.1/a.jpg', 'http://[::ffff:a00:1]/a.jpg', 'http://localhost/a.jpg'])(
    'names --allow-private when %s is a private address',
    async (url) => {
      const refused = await refusal(fetcher().fetch(url))
      expect(refused.code).toBe('InvalidURL')
      expect(refused.message).toMatch(/is a private address.*unless started with --allow-private$/)
    },
  )

  it('cuts a server that trickles bytes at the deadline, not at an idle timeout', async () => {
    const server = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/jpeg' })
      const timer = setInterval(() => res.write('x'), 20)
      res.on('close', () => clearInterval(timer))
    })
    closers.push(server.close)
    const started = performance.now()
    const refused = await refusal(
      fetcher({ allowPrivate: true, timeoutMs: 400 }).fetch(`${server.url}/a.jpg`),
    )
    const elapsed = performance.now() - started
    expect(refused.code).toBe('InvalidURL')
    expect(refused.message).toContain('did not finish within 0.4 s')
    expect(elapsed).toBeGreaterThanOrEqual(390)
    expect(elapsed).toBeLessThan(1500)
  })

  it('stops reading at the byte cap', async () => {
    const server = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/jpeg' })
      const timer = setInterval(() => res.write(Buffer.alloc(256)), 5)
      res.on('close', () => clearInterval(timer))
    })
    closers.push(server.close)
    const refused = await refusal(fetcher({ allowPrivate: true }).fetch(`${server.url}/a.jpg`))
    expect(refused.code).toBe('InvalidFile.Size')
  })
})
