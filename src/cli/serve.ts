import { parseArgs } from 'node:util'
import { DEFAULT_MODEL } from '../action/inputs.js'
import { LocalDetector } from '../detect/local/detector.js'
import { DETECT_PATH, createDetectionServer } from '../serve/server.js'
import { UsageError, type CliIo } from './io.js'

/** `aa-check serve`: the embedded detector behind DashScope's aa-detect API. */
export async function serve(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8080' },
      'api-key': { type: 'string' },
      model: { type: 'string', default: DEFAULT_MODEL },
      concurrency: { type: 'string', default: '1' },
      queue: { type: 'string', default: '16' },
      downloads: { type: 'string', default: '8' },
      'download-queue': { type: 'string', default: '32' },
      'fetch-timeout': { type: 'string', default: '10' },
      'allow-private': { type: 'boolean', default: false },
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
  const fetchTimeout = Number(values['fetch-timeout'])
  if (!(fetchTimeout >= 0.1 && fetchTimeout <= 600)) {
    throw new UsageError(
      `Option --fetch-timeout must be a number of seconds from 0.1 to 600; got "${values['fetch-timeout']}".`,
    )
  }
  const port = integer('port', values.port, 0, 65535)
  const detector = new LocalDetector()
  await detector.load()
  const { server, close } = createDetectionServer({
    detector,
    apiKey: values['api-key'],
    model: values.model,
    concurrency: integer('concurrency', values.concurrency, 1, 64),
    queue: integer('queue', values.queue, 0, 10_000),
    downloads: integer('downloads', values.downloads, 1, 256),
    downloadQueue: integer('download-queue', values['download-queue'], 0, 10_000),
    allowPrivate: values['allow-private'],
    fetchTimeoutMs: Math.round(fetchTimeout * 1000),
    maxImageBytes: 5 * 1024 * 1024,
    log: (entry) => io.stderr(`${entry}\n`),
  })
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
