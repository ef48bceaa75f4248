import { describe, expect, it } from 'vitest'
import { mirror, shrink } from '../../../scripts/variants.js'

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

describe('shrink', () => {
  it('averages each block of source pixels into one RGB pixel, keeping the aspect ratio', () => {
    // 4×2 RGBA: two 2×2 blocks, the left one grey levels 0, 10, 20, 30, the right one all 200.
    const level = [0, 10, 200, 200, 20, 30, 200, 200]
    const data = Uint8Array.from(level.flatMap((v) => [v, v, v, 255]))
    const half = shrink({ data, width: 4, height: 2, channels: 4 }, 0.5)
    expect(half).toMatchObject({ width: 2, height: 1, channels: 3 })
    expect([...half.data]).toEqual([15, 15, 15, 200, 200, 200])
    expect(data[0]).toBe(0)
  })

  it('never enlarges a photo', () => {
    const data = Uint8Array.from({ length: 12 }, (_, i) => i * 10)
    const same = shrink({ data, width: 2, height: 2, channels: 3 }, 1.5)
    expect(same).toMatchObject({ width: 2, height: 2, channels: 3 })
    expect([...same.data]).toEqual([...data])
  })
})
