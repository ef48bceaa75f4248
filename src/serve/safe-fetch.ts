import type { LookupAddress, LookupAllOptions } from 'node:dns'
import { lookup as dnsLookup } from 'node:dns/promises'
import { Agent, request, type Dispatcher } from 'undici'
import { BodyTooLargeError, readCappedBody } from '../core/http-body.js'
import { isSpecialAddress, specialBlockOf } from './special-addresses.js'

/** An IP address in an IANA special-purpose block: loopback, private, link-local (cloud metadata)… */
export function isPrivateAddress(address: string): boolean {
  return isSpecialAddress(address)
}

const ALLOW_HINT =
  'aa-check serve refuses private and special-purpose addresses unless started with --allow-private'

function describeBlock(address: string): string {
  const block = specialBlockOf(address)
  return block === undefined ? address : `${address}: ${block.name}, ${block.rfc}`
}

/** Why an image could not be fetched; `code` is the DashScope code to answer with. */
export class FetchRefused extends Error {
  override name = 'FetchRefused'
  constructor(
    message: string,
    readonly code: 'InvalidParameter' | 'InvalidURL' | 'InvalidFile.Size',
  ) {
    super(message)
  }
}

export interface SafeFetchOptions {
  allowPrivate: boolean
  /** The whole download, redirects and body included: a server trickling bytes is cut here. */
  timeoutMs: number
  maxBytes: number
  maxRedirects: number
  /** Connections per host: as many as downloads may run at once. */
  connections: number
  /** Name resolution; the system's by default. */
  lookup?: (hostname: string, options: LookupAllOptions) => Promise<LookupAddress[]>
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void

/**
 * Fetches image URLs for the service without becoming a proxy into its host's network: http(s)
 * only; each address a name resolves to is checked when connecting (so DNS rebinding cannot slip
 * past a check made earlier), and so is every redirect; size is capped while reading, and the
 * whole download has one deadline.
 */
export class SafeFetcher {
  private readonly agent: Agent

  constructor(private readonly options: SafeFetchOptions) {
    const lookup = options.lookup ?? dnsLookup
    const guardedLookup = (hostname: string, lookupOptions: object, callback: LookupCallback) => {
      lookup(hostname, { ...lookupOptions, all: true }).then(
        (addresses) => {
          const refused = options.allowPrivate
            ? undefined
            : addresses.find((entry) => isPrivateAddress(entry.address))
          if (refused !== undefined) {
            const reason = `${hostname} resolves to a private address (${describeBlock(refused.address)}); ${ALLOW_HINT}`
            callback(
              Object.assign(new FetchRefused(reason, 'InvalidURL'), { code: 'InvalidURL' }),
              [],
            )
            return
          }
          callback(null, addresses)
        },
        (error: unknown) => callback(error as NodeJS.ErrnoException, []),
      )
    }
    this.agent = new Agent({
      connect: { lookup: guardedLookup },
      connections: options.connections,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    })
  }

  /** The image's bytes, or a FetchRefused; settles by the deadline whatever the server does. */
  async fetch(rawUrl: string): Promise<Uint8Array> {
    const { timeoutMs } = this.options
    const controller = new AbortController()
    const progress = { host: '' }
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        const refusal = new FetchRefused(
          `the download from ${progress.host} did not finish within ${timeoutMs / 1000} s`,
          'InvalidURL',
        )
        controller.abort(refusal)
        reject(refusal)
      }, timeoutMs)
    })
    try {
      return await Promise.race([this.download(rawUrl, controller.signal, progress), deadline])
    } finally {
      clearTimeout(timer)
    }
  }

  private async download(
    rawUrl: string,
    signal: AbortSignal,
    progress: { host: string },
  ): Promise<Uint8Array> {
    const { allowPrivate, maxBytes, maxRedirects } = this.options
    let url = parseHttpUrl(rawUrl)
    for (let redirects = 0; ; redirects++) {
      progress.host = url.host
      const host = url.hostname.replace(/^\[|\]$/g, '')
      if (!allowPrivate && (isPrivateAddress(host) || host === 'localhost')) {
        const block = host === 'localhost' ? '' : ` (${describeBlock(host)})`
        throw new FetchRefused(
          `${url.host} is a private address${block}; ${ALLOW_HINT}`,
          'InvalidURL',
        )
      }
      let response
      try {
        response = await request(url, {
          dispatcher: this.agent,
          signal,
          headers: { accept: 'image/*' },
        })
      } catch (error) {
        throw (
          refusalOf(error) ??
          new FetchRefused(`could not download the image from ${url.host}`, 'InvalidURL')
        )
      }
      const location = response.headers.location
      if (response.statusCode >= 300 && response.statusCode < 400 && typeof location === 'string') {
        discard(response.body)
        if (redirects >= maxRedirects) {
          throw new FetchRefused(`more than ${maxRedirects} redirects`, 'InvalidURL')
        }
        url = parseHttpUrl(new URL(location, url).href)
        continue
      }
      if (response.statusCode !== 200) {
        discard(response.body)
        throw new FetchRefused(`HTTP ${response.statusCode} from ${url.host}`, 'InvalidURL')
      }
      return readCapped(response.body, maxBytes, url.host, signal)
    }
  }

  async close(): Promise<void> {
    await this.agent.close()
  }
}

/** Drops a body unread; its stream reports the abort as an error, which is expected here. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined)
  body.destroy()
}

function refusalOf(error: unknown): FetchRefused | undefined {
  if (error instanceof FetchRefused) return error
  if (error instanceof Error && error.cause instanceof FetchRefused) return error.cause
  return undefined
}

async function readCapped(
  body: Dispatcher.ResponseData['body'],
  maxBytes: number,
  host: string,
  signal: AbortSignal,
): Promise<Uint8Array> {
  const stop = () => discard(body)
  signal.addEventListener('abort', stop, { once: true })
  try {
    return new Uint8Array(
      await readCappedBody(body as AsyncIterable<Buffer> & { destroy(): unknown }, maxBytes),
    )
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      throw new FetchRefused(
        `the image is larger than ${maxBytes / 1024 / 1024} MB`,
        'InvalidFile.Size',
      )
    }
    throw new FetchRefused(`the download from ${host} broke off`, 'InvalidURL')
  } finally {
    signal.removeEventListener('abort', stop)
  }
}

function parseHttpUrl(text: string): URL {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new FetchRefused('input.image_url is not a URL', 'InvalidParameter')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FetchRefused(
      `input.image_url must be http or https, not ${url.protocol.replace(':', '')}`,
      'InvalidParameter',
    )
  }
  return url
}
