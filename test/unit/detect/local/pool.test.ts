import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { AssetPaths } from '../../../../src/detect/local/assets.js'
import { LocalDetector } from '../../../../src/detect/local/detector.js'
import { WorkerPool, type PoolOptions } from '../../../../src/detect/local/pool.js'
import { FatalDetectorError } from '../../../../src/core/errors.js'
import type { Logger } from '../../../../src/core/log.js'
import type { FakeTask } from '../../../fixtures/fake-worker.js'

/** Speaks protocol.ts like the real worker, without decoders or models: each spawn takes ~0.1 s. */
const FAKE_WORKER = new URL('../../../fixtures/fake-worker.ts', import.meta.url)

let folder: string
/** The fake reads `assets.models`: a file holding "fail" makes every worker starting now fail. */
let failFile: string
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'aa-pool-'))
  failFile = join(folder, 'models')
})
afterAll(async () => {
  await rm(folder, { recursive: true, force: true })
})
const failStarts = (fail: boolean) => writeFile(failFile, fail ? 'fail' : 'ok')

const fakeAssets = (): AssetPaths => ({
  models: failFile,
  tfjsWasm: '',
  jpegWasm: '',
  webpWasm: '',
  pngWasm: '',
  jpegEncoderWasm: '',
})

function recorder(): Pick<Logger, 'debug' | 'warning'> & { lines: string[] } {
  const lines: string[] = []
  return {
    lines,
    debug: (message) => lines.push(`debug ${message}`),
    warning: (message) => lines.push(`warning ${message}`),
  }
}

const pools: WorkerPool[] = []
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()))
  await failStarts(false)
})

function fakePool(options: Partial<PoolOptions> = {}): WorkerPool & { log: string[] } {
  const log = recorder()
  const pool = new WorkerPool({
    size: 2,
    assets: fakeAssets(),
    budgetMs: 5000,
    testHooks: false,
    log,
    worker: FAKE_WORKER,
    ...options,
  })
  pools.push(pool)
  return Object.assign(pool, { log: log.lines })
}

const task = (fake: FakeTask) => new TextEncoder().encode(JSON.stringify(fake))

/** The thread that answered, from the fake's message. */
const threadOf = (message: string | undefined) => /on thread (\d+)$/.exec(message ?? '')?.[1]

describe('the worker pool (fake workers)', () => {
  it('gives each caller its own verdict, whatever order the workers finish in', async () => {
    const pool = fakePool()
    const names = Array.from({ length: 8 }, (_, i) => `image-${i}`)
    const inputs = names.map((name, i) => task({ name, decodeMs: (i * 37) % 50 }))
    const results = await Promise.all(inputs.map((bytes, i) => pool.run(bytes, 'png', names[i])))
    expect(results.map((r) => r.detection.message?.replace(/ on thread \d+$/, ''))).toEqual(
      names.map((name) => `${name} (png)`),
    )
    expect(results.map((r) => r.timings.decodeMs)).toEqual(names.map((_, i) => (i * 37) % 50))
    // Each worker got its own copy; the caller's bytes are still whole.
    expect(inputs.map((bytes) => new TextDecoder().decode(bytes))).toEqual(
      names.map((name, i) => JSON.stringify({ name, decodeMs: (i * 37) % 50 })),
    )
  })

  it('runs at most `size` images at once and queues the rest', async () => {
    const pool = fakePool({ size: 2 })
    await pool.start()
    const started = performance.now()
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => pool.run(task({ name: `${i}`, decodeMs: 100 }), 'jpeg')),
    )
    // Three rounds of two: never six at once.
    expect(performance.now() - started).toBeGreaterThanOrEqual(290)
    expect(new Set(results.map((r) => threadOf(r.detection.message))).size).toBe(2)
    expect(pool.size).toBe(2)
  })

  it.each([
    ['crash', /^The local detector's worker crashed \(.*fake worker: crash.*\) on this image\.$/],
    ['exit', /^The local detector's worker exited with code 3 on this image\.$/],
  ] as const)(
    'answers DetectorCrashed for a worker that %ss, replaces it, and the others still answer',
    async (act, message) => {
      const pool = fakePool()
      await pool.start()
      const [first, failed, last] = await Promise.all([
        pool.run(task({ name: 'first', decodeMs: 20 }), 'jpeg', 'first.jpg'),
        pool.run(task({ name: 'bad', act }), 'jpeg', 'people/bad.jpg'),
        pool.run(task({ name: 'last' }), 'jpeg', 'last.jpg'),
      ])
      expect(failed.detection).toMatchObject({ status: 'error', code: 'DetectorCrashed' })
      expect(failed.detection.message).toMatch(message)
      expect(first.detection.message).toMatch(/^first /)
      expect(last.detection.message).toMatch(/^last /)
      expect(pool.log).toContainEqual(
        expect.stringMatching(
          /^warning local detector \(people\/bad\.jpg\): its worker (crashed|exited)/,
        ),
      )
      await vi.waitFor(() => expect(pool.size).toBe(2))
      const after = await Promise.all([
        pool.run(task({ name: 'a', decodeMs: 20 }), 'jpeg'),
        pool.run(task({ name: 'b', decodeMs: 20 }), 'jpeg'),
      ])
      expect(after.map((r) => r.detection.status)).toEqual(['pass', 'pass'])
    },
  )

  it('refuses an image that overruns its budget while decoding, and replaces the worker', async () => {
    const pool = fakePool({ budgetMs: 500 })
    await pool.start()
    const started = performance.now()
    const [stuck, other] = await Promise.all([
      pool.run(task({ name: 'stuck', act: 'hang' }), 'jpeg', 'stuck.jpg'),
      pool.run(task({ name: 'other' }), 'jpeg'),
    ])
    expect(stuck.detection).toEqual({
      status: 'reject',
      code: 'InvalidURL',
      message: 'The image could not be decoded within 0.5 s.',
    })
    expect(stuck.timings).toEqual({ decodeMs: 0, inferenceMs: 0 })
    const took = performance.now() - started
    expect(took).toBeGreaterThanOrEqual(490)
    expect(took).toBeLessThan(3000)
    expect(other.detection.status).toBe('pass')
    expect(pool.log).toContain(
      'warning local detector (stuck.jpg): over its 0.5 s budget while decoding; its worker was replaced.',
    )
    await vi.waitFor(() => expect(pool.size).toBe(2))
    expect((await pool.run(task({ name: 'after' }), 'jpeg')).detection.status).toBe('pass')
  })

  it('an overrun in the pose model is an error, not a rejection', async () => {
    const pool = fakePool({ budgetMs: 300 })
    expect(
      (await pool.run(task({ name: 'slow', act: 'hang-inference' }), 'jpeg')).detection,
    ).toEqual({
      status: 'error',
      code: 'DetectorTimeout',
      message: 'The pose model did not finish within 0.3 s.',
    })
  })

  it('a budget is per image: a queued image’s wait does not count', async () => {
    const pool = fakePool({ size: 1, budgetMs: 400 })
    const results = await Promise.all(
      [0, 1, 2, 3].map((i) => pool.run(task({ name: `${i}`, decodeMs: 150 }), 'jpeg')),
    )
    // The last one waited about 450 ms for the worker, then took 150 ms.
    expect(results.map((r) => r.detection.status)).toEqual(['pass', 'pass', 'pass', 'pass'])
  })

  it('logs what a library prints with the image’s name', async () => {
    const pool = fakePool()
    await pool.run(task({ name: 'loud', act: 'print' }), 'jpeg', 'people/loud.jpg')
    expect(pool.log).toContain('debug local detector (people/loud.jpg): printed by a library')
  })

  it('ignores a second answer to a task', async () => {
    const pool = fakePool({ size: 1 })
    const [twice, next] = await Promise.all([
      pool.run(task({ name: 'twice', act: 'twice' }), 'jpeg'),
      pool.run(task({ name: 'next', decodeMs: 20 }), 'jpeg'),
    ])
    expect(twice.detection.message).toMatch(/^twice /)
    expect(next.detection.message).toMatch(/^next /)
  })

  it('a worker that cannot start is a FatalDetectorError, for start and for every run', async () => {
    await failStarts(true)
    const pool = fakePool()
    await expect(pool.start()).rejects.toThrow(
      new FatalDetectorError('The local detector could not start: fake worker: no model'),
    )
    await expect(pool.run(task({ name: 'x' }), 'jpeg')).rejects.toBeInstanceOf(FatalDetectorError)
    expect(pool.size).toBe(0)
  })

  it('keeps serving on the workers left when a replacement cannot start', async () => {
    const pool = fakePool({ size: 2 })
    await pool.start()
    await failStarts(true)
    expect((await pool.run(task({ name: 'bad', act: 'crash' }), 'jpeg')).detection.code).toBe(
      'DetectorCrashed',
    )
    await vi.waitFor(() =>
      expect(pool.log).toContain(
        'warning local detector: a replacement worker failed to start (fake worker: no model).',
      ),
    )
    const after = await Promise.all([
      pool.run(task({ name: 'a' }), 'jpeg'),
      pool.run(task({ name: 'b' }), 'jpeg'),
    ])
    expect(after.map((r) => r.detection.status)).toEqual(['pass', 'pass'])
    expect(pool.size).toBe(1)
  })

  it('fails the queued images when the last worker dies and none can replace it', async () => {
    const pool = fakePool({ size: 1 })
    await pool.start()
    await failStarts(true)
    const crashed = pool.run(task({ name: 'bad', act: 'crash' }), 'jpeg')
    const queued = expect(pool.run(task({ name: 'queued' }), 'jpeg')).rejects.toThrow(
      new FatalDetectorError(
        'The local detector could not restart a worker: fake worker: no model',
      ),
    )
    expect((await crashed).detection.code).toBe('DetectorCrashed')
    await queued
    await expect(pool.run(task({ name: 'later' }), 'jpeg')).rejects.toBeInstanceOf(
      FatalDetectorError,
    )
    expect(pool.log).toContain(
      'warning local detector: a replacement worker failed to start (fake worker: no model).',
    )
  })

  it('close stops every worker and refuses the images in flight, queued and later', async () => {
    const pool = fakePool({ size: 1 })
    await pool.start()
    const inFlight = expect(
      pool.run(task({ name: 'busy', decodeMs: 1000 }), 'jpeg'),
    ).rejects.toThrow('The local detector is closed.')
    const queued = expect(pool.run(task({ name: 'queued' }), 'jpeg')).rejects.toThrow(
      'The local detector is closed.',
    )
    await new Promise((resolve) => setTimeout(resolve, 50))
    await pool.close()
    await Promise.all([inFlight, queued])
    await expect(pool.run(task({ name: 'later' }), 'jpeg')).rejects.toThrow(
      'The local detector is closed.',
    )
    expect(pool.size).toBe(0)
  })
})

describe('LocalDetector over fake workers', () => {
  it('uses min(concurrency, cores) workers', async () => {
    const many = new LocalDetector(1000, fakeAssets(), { worker: FAKE_WORKER })
    const one = new LocalDetector(1, fakeAssets(), { worker: FAKE_WORKER })
    try {
      await Promise.all([many.load(), one.load()])
      expect(many.workers).toBe(availableParallelism())
      expect(one.workers).toBe(1)
    } finally {
      await Promise.all([many.close(), one.close()])
    }
  })
})
