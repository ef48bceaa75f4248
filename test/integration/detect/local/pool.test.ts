import { availableParallelism } from 'node:os'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { LocalDetector } from '../../../../src/detect/local/detector.js'
import { FatalDetectorError } from '../../../../src/core/errors.js'
import type { Logger } from '../../../../src/core/log.js'
import type { Detection } from '../../../../src/detect/types.js'
import { assets, jpegWithComment, photo } from '../../../helpers/images.js'

const EXPECTED: Record<string, Detection> = {
  'full-body.jpg': { status: 'pass', bodystyle: 'full' },
  'half-body.jpg': { status: 'pass', bodystyle: 'half' },
  'sitting.jpg': { status: 'reject', code: 'InvalidFile.BodyPose' },
  'no-person.jpg': { status: 'reject', code: 'InvalidFile.Content' },
}
const NAMES = Object.keys(EXPECTED)
const files = new Map<string, Uint8Array>()
beforeAll(async () => {
  for (const name of NAMES) files.set(name, await photo(name))
})
const file = (name: string) => files.get(name) ?? new Uint8Array()
/** A real photo that makes a worker misbehave when test hooks are on. */
const hooked = (hook: string) => jpegWithComment(file('full-body.jpg'), `aa-check-test:${hook}`)

function recorder(): Pick<Logger, 'debug' | 'warning'> & { lines: string[] } {
  const lines: string[] = []
  return {
    lines,
    debug: (message) => lines.push(`debug ${message}`),
    warning: (message) => lines.push(`warning ${message}`),
  }
}

// Workers start in seconds and machines running these tests may be busy: generous timeouts.
const SLOW = { timeout: 60_000 }

describe('the worker pool', SLOW, () => {
  const log = recorder()
  const detector = new LocalDetector(8, assets, { workers: 2, testHooks: true, log })
  beforeAll(() => detector.load(), 60_000)
  afterAll(() => detector.close())

  it('answers N images with N verdicts, each to its own caller, on two workers', async () => {
    const names = Array.from({ length: 12 }, (_, i) => NAMES[i % NAMES.length] ?? '')
    const inputs = names.map((name) => file(name))
    const results = await Promise.all(inputs.map((bytes) => detector.analyse(bytes)))
    expect(results.map((r) => r.detection)).toMatchObject(names.map((name) => EXPECTED[name]))
    expect(detector.workers).toBe(2)
    // Each worker got its own copy; the caller's bytes are still whole.
    expect(inputs.map((bytes) => bytes.length)).toEqual(names.map((name) => file(name).length))
  })

  it('replaces a worker that crashes or exits; the other images still get verdicts', async () => {
    const batch = [
      'full-body.jpg',
      'crash',
      'half-body.jpg',
      'exit',
      'sitting.jpg',
      'no-person.jpg',
    ]
    const results = await Promise.all(
      batch.map((name) =>
        detector.analyse(name.endsWith('.jpg') ? file(name) : hooked(name), name),
      ),
    )
    batch.forEach((name, i) => {
      const detection = results[i]?.detection
      if (name.endsWith('.jpg')) expect(detection).toMatchObject(EXPECTED[name] ?? {})
      else
        expect(detection).toMatchObject({
          status: 'error',
          code: 'DetectorCrashed',
          message: expect.stringMatching(/worker (crashed|exited)/) as unknown,
        })
    })
    expect(
      log.lines.some((line) =>
        line.startsWith('warning local detector (crash): its worker crashed'),
      ),
    ).toBe(true)
    await vi.waitFor(() => expect(detector.workers).toBe(2), SLOW)
    expect((await detector.analyse(file('full-body.jpg'))).detection).toMatchObject(
      EXPECTED['full-body.jpg'] ?? {},
    )
  })

  it('what a library prints in a worker reaches the log with the image’s name', async () => {
    await detector.analyse(hooked('print'), 'people/loud.jpg')
    expect(log.lines).toContain(
      'debug local detector (people/loud.jpg): test hook: printed by a library',
    )
  })
})

describe('the time budget', SLOW, () => {
  const detector = new LocalDetector(8, assets, { workers: 2, testHooks: true, budgetMs: 4000 })
  beforeAll(() => detector.load(), 60_000)
  afterAll(() => detector.close())

  it('refuses an image that overruns its budget while decoding, and replaces the worker', async () => {
    const started = performance.now()
    const [stuck, other] = await Promise.all([
      detector.analyse(hooked('hang'), 'stuck.jpg'),
      detector.analyse(file('half-body.jpg')),
    ])
    expect(stuck.detection).toEqual({
      status: 'reject',
      code: 'InvalidURL',
      message: 'The image could not be decoded within 4 s.',
    })
    expect(performance.now() - started).toBeLessThan(20_000)
    expect(other.detection).toMatchObject(EXPECTED['half-body.jpg'] ?? {})
    await vi.waitFor(() => expect(detector.workers).toBe(2), SLOW)
    expect((await detector.analyse(file('sitting.jpg'))).detection).toMatchObject(
      EXPECTED['sitting.jpg'] ?? {},
    )
  })

  it('an overrun in the pose model is an error, not a rejection', async () => {
    expect((await detector.analyse(hooked('hang-inference'))).detection).toMatchObject({
      status: 'error',
      code: 'DetectorTimeout',
      message: 'The pose model did not finish within 4 s.',
    })
  })
})

describe('pool size and failures', SLOW, () => {
  it('uses min(concurrency, cores) workers', async () => {
    const many = new LocalDetector(1000, assets)
    const one = new LocalDetector(1, assets)
    try {
      await Promise.all([many.load(), one.load()])
      expect(many.workers).toBe(availableParallelism())
      expect(one.workers).toBe(1)
    } finally {
      await Promise.all([many.close(), one.close()])
    }
  })

  it('ignores the test hooks unless asked to honour them', async () => {
    const detector = new LocalDetector(1, assets)
    try {
      expect((await detector.analyse(hooked('crash'))).detection).toMatchObject(
        EXPECTED['full-body.jpg'] ?? {},
      )
    } finally {
      await detector.close()
    }
  })

  it('a real decode over a tiny budget is refused as not decoded in time', async () => {
    const detector = new LocalDetector(1, assets, { budgetMs: 1 })
    try {
      await detector.load()
      expect((await detector.analyse(file('full-body.jpg'))).detection).toMatchObject({
        status: 'reject',
        code: 'InvalidURL',
        message: 'The image could not be decoded within 0.001 s.',
      })
    } finally {
      await detector.close()
    }
  })

  it('a worker that cannot load the model is a FatalDetectorError', async () => {
    const detector = new LocalDetector(1, { ...assets, models: '/nonexistent' })
    await expect(detector.load()).rejects.toBeInstanceOf(FatalDetectorError)
    await expect(detector.analyse(file('full-body.jpg'))).rejects.toBeInstanceOf(FatalDetectorError)
  })
})
