import { describe, expect, it } from 'vitest'
import { HEIGHT, PERSON_BOX, WIDTH, box, person } from './rules/evidence.js'
import {
  headCrop,
  lumaGrid,
  quarterTurn,
  unturn,
  unturnBox,
} from '../../../../src/detect/local/observe.js'
import {
  KEYPOINT_NAMES,
  type Keypoint,
  type KeypointName,
} from '../../../../src/detect/local/pose.js'

describe('headCrop', () => {
  it('places the head crop around the face keypoints', () => {
    const crop = headCrop(person(), PERSON_BOX, WIDTH, HEIGHT)
    expect(crop).toBeDefined()
    if (crop === undefined) return
    expect(crop.left).toBeLessThan(265 / WIDTH)
    expect(crop.right).toBeGreaterThan(335 / WIDTH)
    expect(crop.top).toBeLessThan(105 / HEIGHT)
  })
})

describe('lumaGrid', () => {
  it('builds the grid from a working image', () => {
    const width = 4
    const height = 2
    const rgb = new Int32Array(width * height * 3)
    // Left half white, right half black.
    for (let y = 0; y < height; y++)
      for (let x = 0; x < 2; x++) rgb.fill(255, (y * width + x) * 3, (y * width + x) * 3 + 3)
    expect(lumaGrid({ rgb, width, height, meanLuma: 0 }, 2)).toEqual({
      columns: 2,
      rows: 2,
      values: [255, 0, 255, 0],
    })
  })
})

describe('a second look for a person lying down', () => {
  it('turns an image a quarter and puts found keypoints back upright', () => {
    // 3×2 image, pixel value = its index, so where each lands is visible.
    const rgb = new Int32Array(3 * 2 * 3)
    for (let i = 0; i < 6; i++) rgb.fill(i, i * 3, i * 3 + 3)
    const clockwise = quarterTurn({ rgb, width: 3, height: 2, meanLuma: 0 }, true)
    expect([clockwise.width, clockwise.height]).toEqual([2, 3])
    // Upright rows [0 1 2] [3 4 5] turned clockwise: [3 0] [4 1] [5 2].
    expect([...clockwise.rgb].filter((_, i) => i % 3 === 0)).toEqual([3, 0, 4, 1, 5, 2])
    const anticlockwise = quarterTurn({ rgb, width: 3, height: 2, meanLuma: 0 }, false)
    expect([...anticlockwise.rgb].filter((_, i) => i % 3 === 0)).toEqual([2, 5, 1, 4, 0, 3])
    // The turned image's top-left corner is the upright bottom-left (clockwise).
    const found = unturn(person(), true)
    expect(found.turned).toBe(true)
    const nose = person().keypoints.nose
    expect(found.keypoints.nose.x).toBeCloseTo(nose.y)
    expect(found.keypoints.nose.y).toBeCloseTo(1 - nose.x)
  })

  it('puts a box found on the turned photo back upright, as it does keypoints', () => {
    const turnedBox = box(0.1, 0.2, 0.4, 0.9)
    for (const clockwise of [true, false]) {
      const corners = [
        { x: 0.1, y: 0.2 },
        { x: 0.4, y: 0.9 },
      ].map((p) => {
        const keypoints = {} as Record<KeypointName, Keypoint>
        for (const name of KEYPOINT_NAMES) keypoints[name] = { ...p, score: 1 }
        return unturn({ score: 1, keypoints }, clockwise).keypoints.nose
      })
      const upright = unturnBox(turnedBox, clockwise)
      const xs = corners.map((c) => c.x).sort((a, b) => a - b)
      const ys = corners.map((c) => c.y).sort((a, b) => a - b)
      expect([upright.left, upright.right]).toEqual(xs)
      expect([upright.top, upright.bottom]).toEqual(ys)
    }
  })
})
