/**
 * Headless Chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`: fd 3
 * in, fd 4 out, NUL-separated JSON), so nothing listens on a port. A page's console errors,
 * uncaught exceptions and every request it makes are recorded.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable, Writable } from 'node:stream'

/** The Chromium binary: `$CHROMIUM`, else `chromium` on the PATH; undefined when there is none. */
export function findChromium(): string | undefined {
  const binary = process.env.CHROMIUM ?? 'chromium'
  const probe = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 30_000 })
  return probe.status === 0 && /chrom/i.test(probe.stdout) ? binary : undefined
}

interface Message {
  id?: number
  method?: string
  sessionId?: string
  params?: Record<string, unknown>
  result?: unknown
  error?: { message: string }
}

export interface PageSession {
  send<T = unknown>(method: string, params?: Record<string, unknown>): Promise<T>
  /** Evaluates `expression` in the page (awaiting a promise) and returns its value as JSON. */
  evaluate<T>(expression: string): Promise<T>
  /** Presses a key on the focused element, as a keyboard would. */
  press(key: 'Enter' | 'Tab' | ' '): Promise<void>
  /** Console errors, uncaught exceptions and error log entries (CSP violations among them). */
  problems: string[]
  /** Every URL the page requested, itself included. */
  requests: string[]
}

export interface PageOptions {
  chromium: string
  width: number
  height: number
}

const KEYS = {
  Enter: { key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13, text: '\r' },
  Tab: { key: 'Tab', code: 'Tab', windowsVirtualKeyCode: 9 },
  ' ': { key: ' ', code: 'Space', windowsVirtualKeyCode: 32, text: ' ' },
} as const

/** Opens `url` in a fresh headless Chromium, waits for its load event, hands it to `use`. */
export async function withPage<T>(
  url: string,
  options: PageOptions,
  use: (page: PageSession) => Promise<T>,
): Promise<T> {
  const profile = await mkdtemp(join(tmpdir(), 'aa-check-chromium-'))
  const child: ChildProcess = spawn(
    options.chromium,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-default-apps',
      '--disable-sync',
      '--no-first-run',
      '--hide-scrollbars',
      '--remote-debugging-pipe',
      `--user-data-dir=${profile}`,
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
  )
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)))
  const input = child.stdio[3] as Writable
  const output = child.stdio[4] as Readable
  // A write after Chromium has gone fails the call (below), not the process.
  input.on('error', () => undefined)
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  const listeners: ((message: Message) => void)[] = []
  let nextId = 1
  let buffered = ''
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  void exited.then(() => {
    for (const { reject } of waiting.values())
      reject(new Error(`chromium exited: ${stderr.slice(-1000)}`))
    waiting.clear()
  })
  output.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8')
    let end: number
    while ((end = buffered.indexOf('\0')) >= 0) {
      const message = JSON.parse(buffered.slice(0, end)) as Message
      buffered = buffered.slice(end + 1)
      const pending = message.id === undefined ? undefined : waiting.get(message.id)
      if (pending !== undefined && message.id !== undefined) {
        waiting.delete(message.id)
        if (message.error === undefined) pending.resolve(message.result)
        else pending.reject(new Error(`DevTools: ${message.error.message}`))
      } else for (const listener of listeners) listener(message)
    }
  })
  const call = <R>(method: string, params: Record<string, unknown> = {}, sessionId?: string) =>
    new Promise<R>((resolve, reject) => {
      const id = nextId++
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject })
      input.write(`${JSON.stringify({ id, method, params, sessionId })}\0`)
    })

  try {
    const { targetId } = await call<{ targetId: string }>('Target.createTarget', {
      url: 'about:blank',
    })
    const { sessionId } = await call<{ sessionId: string }>('Target.attachToTarget', {
      targetId,
      flatten: true,
    })
    const problems: string[] = []
    const requests: string[] = []
    let loaded: () => void = () => undefined
    const load = new Promise<void>((resolve) => (loaded = resolve))
    listeners.push((message) => {
      if (message.sessionId !== sessionId) return
      const params = message.params ?? {}
      switch (message.method) {
        case 'Page.loadEventFired':
          loaded()
          break
        case 'Network.requestWillBeSent':
          requests.push(String((params.request as { url?: string } | undefined)?.url))
          break
        case 'Runtime.exceptionThrown':
          problems.push(`exception: ${JSON.stringify(params.exceptionDetails)}`)
          break
        case 'Runtime.consoleAPICalled':
          if (params.type === 'error' || params.type === 'assert')
            problems.push(`console.${params.type}: ${JSON.stringify(params.args)}`)
          break
        case 'Log.entryAdded': {
          const entry = params.entry as { level?: string; text?: string; source?: string }
          if (entry.level === 'error') problems.push(`log (${entry.source}): ${entry.text}`)
          break
        }
      }
    })
    const send = <R>(method: string, params: Record<string, unknown> = {}) =>
      call<R>(method, params, sessionId)
    await send('Page.enable')
    await send('Runtime.enable')
    await send('Log.enable')
    await send('Network.enable')
    await send('Emulation.setDeviceMetricsOverride', {
      width: options.width,
      height: options.height,
      deviceScaleFactor: 1,
      mobile: false,
    })
    await send('Page.navigate', { url })
    await load
    const page: PageSession = {
      send,
      problems,
      requests,
      evaluate: async <R>(expression: string) => {
        const answer = await send<{
          result: { value?: unknown }
          exceptionDetails?: unknown
        }>('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true })
        if (answer.exceptionDetails !== undefined)
          throw new Error(`evaluate failed: ${JSON.stringify(answer.exceptionDetails)}`)
        return answer.result.value as R
      },
      press: async (key) => {
        const base = KEYS[key]
        await send('Input.dispatchKeyEvent', { type: 'keyDown', ...base })
        await send('Input.dispatchKeyEvent', { type: 'keyUp', ...base, text: undefined })
      },
    }
    return await use(page)
  } finally {
    await call('Browser.close').catch(() => undefined)
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(timer)
    await rm(profile, { recursive: true, force: true })
  }
}
