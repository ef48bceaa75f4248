/**
 * A worker thread of the local detector: loads decoders and model once, then answers one image at
 * a time. The pool stops and replaces it when it crashes or overruns its budget.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { errorMessage } from '../../core/errors.js'
import { Engine } from './engine.js'
import {
  TEST_HOOK_PREFIX,
  TEST_HOOKS,
  type TestHook,
  type WorkerMessage,
  type WorkerSetup,
  type WorkerTask,
} from './protocol.js'

const port = parentPort
const setup = workerData as WorkerSetup
let current: number | undefined

function send(message: WorkerMessage): void {
  port?.postMessage(message)
}

/**
 * Whatever a library writes to stdout or stderr (console included) reaches the parent's log with
 * the image it happened on, never the process's own streams unattributed.
 */
function intercept(chunk: string | Uint8Array, ...rest: unknown[]): boolean {
  const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
  if (text.trim() !== '') send({ type: 'log', id: current, message: text.trimEnd() })
  const done = rest.find((arg) => typeof arg === 'function')
  if (done !== undefined) queueMicrotask(() => (done as () => void)())
  return true
}
process.stdout.write = intercept
process.stderr.write = intercept

function spin(): never {
  for (;;) {
    // Busy until the pool terminates this thread: a stand-in for a decoder stuck in a loop.
  }
}

function testHook(bytes: Uint8Array): TestHook | undefined {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 4096))
  const at = head.indexOf(TEST_HOOK_PREFIX)
  if (at < 0) return undefined
  const word = /^[a-z-]+/.exec(head.toString('latin1', at + TEST_HOOK_PREFIX.length))?.[0]
  return TEST_HOOKS.find((hook) => hook === word)
}

async function answer(engine: Engine, task: WorkerTask): Promise<void> {
  current = task.id
  const bytes = new Uint8Array(task.bytes)
  const hook = setup.testHooks ? testHook(bytes) : undefined
  if (hook === 'crash') {
    setImmediate(() => {
      throw new Error('test hook: crash')
    })
    return
  }
  if (hook === 'exit') process.exit(3)
  if (hook === 'hang') spin()
  // eslint-disable-next-line no-console -- stands for a library that prints
  if (hook === 'print') console.error('test hook: printed by a library')
  try {
    const { detection, timings } = await engine.analyse(bytes, task.format, () => {
      send({ type: 'inference', id: task.id })
      if (hook === 'hang-inference') spin()
    })
    send({ type: 'result', id: task.id, detection, timings })
  } catch (error) {
    send({
      type: 'result',
      id: task.id,
      detection: {
        status: 'error',
        code: 'DetectorFailed',
        message: `The local detector failed on this image: ${errorMessage(error)}`,
      },
      timings: { decodeMs: 0, inferenceMs: 0 },
    })
  } finally {
    current = undefined
  }
}

async function main(): Promise<void> {
  if (port === null) throw new Error('worker.ts runs only as a worker thread')
  let engine: Engine
  try {
    engine = await Engine.load(setup.assets)
  } catch (error) {
    send({ type: 'failed', message: errorMessage(error) })
    port.close()
    return
  }
  port.on('message', (task: WorkerTask) => void answer(engine, task))
  send({ type: 'ready' })
}

void main()
