import { describe, expect, it } from 'vitest'
import { mirror } from '../../../scripts/mirror.js'

describe('mirror', () => {
  it('flips each row left to right, whole pixels at a time, and leaves the input alone', () => {
    // 3×2 RGB, each pixel's three bytes its index, so where each lands is visible.
    const data = Uint8Array.from({ length: 18 }, (_, i) => Math.floor(i / 3))
    const flipped = mirror({ data, width: 3, height: 2, channels: 3 })
    expect([...flipped.data]).toEqual([2, 2, 2, 1, 1, 1, 0, 0, 0, 5, 5, 5, 4, 4, 4, 3, 3, 3])
    expect(flipped).toMatchObject({ width: 3, height: 2, channels: 3 })
    expect(data[0]).toBe(0)
    const rgba = Uint8Array.from({ length: 8 }, (_, i) => i)
    expect([...mirror({ data: rgba, width: 2, height: 1, channels: 4 }).data]).toEqual([
      4, 5, 6, 7, 0, 1, 2, 3,
    ])
  })
})
