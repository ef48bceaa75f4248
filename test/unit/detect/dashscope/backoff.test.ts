import { describe, expect, it } from 'vitest'
import { backoffDelay, parseRetryAfter } from '../../../../src/detect/dashscope/backoff.js'

describe('backoffDelay', () => {
  it('is full jitter under an exponential ceiling with a cap', () => {
    expect(backoffDelay(0, 500, 30_000, () => 1)).toBe(500)
    expect(backoffDelay(3, 500, 30_000, () => 1)).toBe(4000)
    expect(backoffDelay(10, 500, 30_000, () => 1)).toBe(30_000)
    expect(backoffDelay(3, 500, 30_000, () => 0)).toBe(0)
    expect(backoffDelay(3, 500, 30_000, () => 0.5)).toBe(2000)
  })
})

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000)
    expect(parseRetryAfter('0.5')).toBe(500)
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000)
    expect(parseRetryAfter(undefined)).toBeUndefined()
    expect(parseRetryAfter('soon')).toBeUndefined()
  })
})
