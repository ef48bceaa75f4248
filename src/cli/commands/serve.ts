import { readFile } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { parseArgs } from 'node:util'
import { DEFAULT_MODEL } from '../../config/config.js'
import { SERVE_DEFAULTS, SERVE_KEY_ENV, SERVICE_LIMITS } from '../../config/defaults.js'
import { LocalDetector } from '../../detect/local/detector.js'
import { errorMessage } from '../../core/errors.js'
import { isLoopbackHost } from '../../serve/loopback.js'
import { DETECT_PATH, createDetectionServer } from '../../serve/server.js'
import { UsageError, type CliIo } from '../io.js'

/** Where a key came from, as parseArgs gives the options. */
export interface KeySources {
  'api-key'?: string | undefined
  'api-key-file'?: string | undefined
}

/**
 * The key clients must send: --api-key, else --api-key-file, else $AA_CHECK_SERVE_API_KEY;
 * undefined when none is given (the server then takes any client).
 */
export async function resolveServeKey(
  sources: KeySources,
  env: NodeJS.ProcessEnv,
  read: (file: string) => Promise<string> = (file) => readFile(file, 'utf8'),
): Promise<string | undefined> {
  const { 'api-key': flag, 'api-key-file': file } = sources
  if (flag !== undefined && file !== undefined) {
    throw new UsageError('Give --api-key or --api-key-file, not both.')
  }
  let key: string | undefined
  let origin: string
  if (file !== undefined) {
    let text: string
    try {
      text = await read(file)
    } catch (cause) {
      throw new UsageError(`Cannot read --api-key-file ${file}: ${errorMessage(cause)}`)
    }
    key = text.replace(/[\r\n]+$/, '')
    origin = `--api-key-file ${file}`
  } else if (flag !== undefined) {
    key = flag
    origin = '--api-key'
  } else {
    key = env[SERVE_KEY_ENV] === '' ? undefined : env[SERVE_KEY_ENV]
    origin = `$${SERVE_KEY_ENV}`
  }
  if (key === undefined) return undefined
  if (key === '') throw new UsageError(`The key in ${origin} is empty.`)
  // A client sends it in a header: whitespace or control characters there could never match.
  if (!/^[\x21-\x7e]+$/.test(key)) {
    throw new UsageError(`The key in ${origin} must be one line of printable characters.`)
  }
  return key
}

/** The upload pace's grace: the minimum rate counts from the 5th second of an upload on. */
const UPLOAD_GRACE_MS = 5000

/**
 * Whether serve may start without a key, and what it says: on loopback, a notice that any local
 * process can use it; beyond loopback, a refusal unless --no-auth says so.
 */
export function keylessStart(
  host: string,
  hasKey: boolean,
  noAuth: boolean,
): { refusal?: string; notice?: string } {
  if (hasKey) {
    return noAuth ? { refusal: 'Give --no-auth or a key, not both.' } : {}
  }
  if (isLoopbackHost(host)) {
    return noAuth
      ? {}
      : {
          notice: `aa-check serve: no key set ($${SERVE_KEY_ENV} or --api-key-file): any local process can use this server`,
        }
  }
  if (noAuth) {
    return {
      notice: `aa-check serve: warning: --no-auth: anyone who can reach ${host} can use this server`,
    }
  }
  return {
    refusal: `Refusing to serve on ${host} without a key: anyone who can reach it could use it. Set $${SERVE_KEY_ENV} or --api-key-file, or pass --no-auth.`,
  }
}

/** `aa-check serve`: the embedded detector behind DashScope's aa-detect API. */
export async function serve(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      host: { type: 'string', default: SERVE_DEFAULTS.host },
      port: { type: 'string', default: String(SERVE_DEFAULTS.port) },
      'api-key': { type: 'string' },
      'api-key-file': { type: 'string' },
      model: { type: 'string', default: DEFAULT_MODEL },
      concurrency: { type: 'string' },
      queue: { type: 'string', default: String(SERVE_DEFAULTS.queue) },
      downloads: { type: 'string', default: String(SERVE_DEFAULTS.downloads) },
      'download-queue': { type: 'string', default: String(SERVE_DEFAULTS.downloadQueue) },
      'fetch-timeout': { type: 'string', default: String(SERVE_DEFAULTS.fetchTimeoutSeconds) },
      'upload-store-mb': { type: 'string', default: String(SERVE_DEFAULTS.uploadStoreMb) },
      'upload-timeout': { type: 'string', default: String(SERVE_DEFAULTS.uploadTimeoutSeconds) },
      'upload-min-rate': { type: 'string', default: String(SERVE_DEFAULTS.uploadMinRateKb) },
      'uploads-per-client': { type: 'string', default: String(SERVE_DEFAULTS.uploadsPerClient) },
      'allow-private': { type: 'boolean', default: false },
      'no-auth': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (positionals.length > 0)
    throw new UsageError(`serve takes no operands; got ${positionals.join(' ')}.`)
  const integer = (name: string, text: string, min: number, max: number) => {
    const value = Number(text)
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new UsageError(
        `Option --${name} must be an integer from ${min} to ${max}; got "${text}".`,
      )
    }
    return value
  }
  const number = (name: string, text: string, unit: string, min: number, max: number) => {
    const value = Number(text)
    if (!(value >= min && value <= max)) {
      throw new UsageError(
        `Option --${name} must be a number of ${unit} from ${min} to ${max}; got "${text}".`,
      )
    }
    return value
  }
  const fetchTimeout = number('fetch-timeout', values['fetch-timeout'], 'seconds', 0.1, 600)
  const uploadTimeout = number('upload-timeout', values['upload-timeout'], 'seconds', 1, 600)
  const uploadMinRate = number('upload-min-rate', values['upload-min-rate'], 'KB/s', 0, 1_000_000)
  const port = integer('port', values.port, 0, 65535)
  const apiKey = await resolveServeKey(values, io.env)
  const keyless = keylessStart(values.host, apiKey !== undefined, values['no-auth'])
  if (keyless.refusal !== undefined) throw new UsageError(keyless.refusal)
  // One detection per core by default: the local detector runs one worker thread per core.
  const concurrency =
    values.concurrency === undefined
      ? Math.min(64, availableParallelism())
      : integer('concurrency', values.concurrency, 1, 64)
  const options = {
    apiKey,
    openWithoutKey: values['no-auth'],
    model: values.model,
    concurrency,
    queue: integer('queue', values.queue, 0, 10_000),
    downloads: integer('downloads', values.downloads, 1, 256),
    downloadQueue: integer('download-queue', values['download-queue'], 0, 10_000),
    allowPrivate: values['allow-private'],
    fetchTimeoutMs: Math.round(fetchTimeout * 1000),
    maxImageBytes: SERVICE_LIMITS.maxFileBytes,
    uploadStoreBytes:
      integer('upload-store-mb', values['upload-store-mb'], 5, 65_536) * 1024 * 1024,
    uploadPace: {
      timeoutMs: Math.round(uploadTimeout * 1000),
      minBytesPerSecond: uploadMinRate * 1024,
      graceMs: UPLOAD_GRACE_MS,
    },
    uploadsPerClient: integer('uploads-per-client', values['uploads-per-client'], 1, 1024),
    log: (entry: string) => io.stderr(`${entry}\n`),
  }
  if (values['api-key'] !== undefined) {
    io.stderr(
      `aa-check serve: warning: --api-key is readable by every local user; prefer $${SERVE_KEY_ENV} or --api-key-file\n`,
    )
  }
  if (keyless.notice !== undefined) io.stderr(`${keyless.notice}\n`)
  const detector = new LocalDetector(concurrency)
  await detector.load()
  const { server, close } = createDetectionServer({ detector, ...options })
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject)
    server.listen(port, values.host, () => resolveListen())
  })
  const address = server.address()
  const bound = typeof address === 'object' && address !== null ? address.port : port
  io.stderr(`aa-check serve: listening on http://${values.host}:${bound}${DETECT_PATH}\n`)
  const signal = await io.stopSignal()
  io.stderr(`aa-check serve: ${signal}: finishing requests in flight\n`)
  await close()
  io.stderr('aa-check serve: stopped\n')
  return 0
}
