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
// The pool's mechanics (order, queueing, crashes, budgets, close) are tested on a fake worker in
// test/unit/detect/local/pool.test.ts; here only what needs the real worker.
const SLOW = { timeout: 60_000 }

describe('the real worker', SLOW, () => {
  const log = recorder()
  const detector = new LocalDetector(8, assets, { workers: 2, testHooks: true, log })
  beforeAll(() => detector.load(), 60_000)
  afterAll(() => detector.close())

  it('loads the models and answers N images with N verdicts, each to its own caller', async () => {
    const names = Array.from({ length: 8 }, (_, i) => NAMES[i % NAMES.length] ?? '')
    const inputs = names.map((name) => file(name))
    const results = await Promise.all(inputs.map((bytes) => detector.analyse(bytes)))
    expect(results.map((r) => r.detection)).toMatchObject(names.map((name) => EXPECTED[name]))
    expect(detector.workers).toBe(2)
  })

  it('honours the test hooks in image bytes: a crash is replaced, a library’s print is logged', async () => {
    const [crashed, other] = await Promise.all([
      detector.analyse(hooked('crash'), 'crash'),
      detector.analyse(file('half-body.jpg')),
    ])
    expect(crashed.detection).toMatchObject({
      status: 'error',
      code: 'DetectorCrashed',
      message: expect.stringMatching(/worker crashed/) as unknown,
    })
    expect(other.detection).toMatchObject(EXPECTED['half-body.jpg'] ?? {})
    await vi.waitFor(() => expect(detector.workers).toBe(2), SLOW)
    await detector.analyse(hooked('print'), 'people/loud.jpg')
    expect(log.lines).toContain(
      'debug local detector (people/loud.jpg): test hook: printed by a library',
    )
  })
})

describe('the real worker without test hooks, or without its model', SLOW, () => {
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

  it('a worker that cannot load the model is a FatalDetectorError', async () => {
    const detector = new LocalDetector(1, { ...assets, models: '/nonexistent' })
    await expect(detector.load()).rejects.toBeInstanceOf(FatalDetectorError)
    await expect(detector.analyse(file('full-body.jpg'))).rejects.toBeInstanceOf(FatalDetectorError)
  })
})
