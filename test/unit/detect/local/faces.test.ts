import { describe, expect, it } from 'vitest'
import { decodeFaces, faceAnchors } from '../../../../src/detect/local/faces.js'

describe('faceAnchors', () => {
  it('lays BlazeFace’s 896 anchors for 256 px: 2 per cell of 16 × 16, then 6 per cell of 8 × 8', () => {
    const anchors = faceAnchors(256)
    expect(anchors).toHaveLength(896)
    expect(anchors.slice(0, 3)).toEqual([
      [8, 8],
      [8, 8],
      [24, 8],
    ])
    expect(anchors[511]).toEqual([248, 248])
    expect(anchors[512]).toEqual([16, 16])
    expect(anchors[895]).toEqual([240, 240])
  })
})

describe('decodeFaces', () => {
  const columns = 17
  const logit = (p: number) => Math.log(p / (1 - p))
  /** Rows for `anchors`, each face given as [anchor index, score, dx, dy, w, h]. */
  function rows(count: number, faces: [number, number, number, number, number, number][]) {
    const data = new Float32Array(count * columns).fill(0)
    for (let i = 0; i < count; i++) data[i * columns] = -20
    for (const [at, score, dx, dy, w, h] of faces)
      data.set([logit(score), dx, dy, w, h], at * columns)
    return data
  }
  const anchors: [number, number][] = [
    [64, 64],
    [70, 64],
    [192, 128],
  ]

  it('keeps faces over the score bar, in fractions of the photo, best first', () => {
    const faces = decodeFaces(
      rows(3, [
        [0, 0.6, 0, 0, 32, 40],
        [2, 0.9, 0, 0, 16, 16],
      ]),
      columns,
      anchors,
      { x: 1 / 256, y: 1 / 128 },
      0.2,
      0.3,
    )
    expect(faces).toHaveLength(2)
    expect(faces[0]?.score).toBeCloseTo(0.9)
    expect(faces[0]?.box).toEqual({
      left: 184 / 256,
      top: 120 / 128,
      right: 200 / 256,
      bottom: 136 / 128,
    })
    expect(faces[1]?.box).toEqual({
      left: 48 / 256,
      top: 44 / 128,
      right: 80 / 256,
      bottom: 84 / 128,
    })
  })

  it('drops faces under the bar and the weaker of two overlapping boxes', () => {
    const faces = decodeFaces(
      rows(3, [
        [0, 0.7, 0, 0, 32, 32],
        [1, 0.5, 0, 0, 32, 32],
        [2, 0.1, 0, 0, 16, 16],
      ]),
      columns,
      anchors,
      { x: 1 / 256, y: 1 / 256 },
      0.2,
      0.3,
    )
    expect(faces).toHaveLength(1)
    expect(faces[0]?.score).toBeCloseTo(0.7)
  })

  it('refuses an output that does not fit the anchors (another model)', () => {
    expect(() =>
      decodeFaces(new Float32Array(5), columns, anchors, { x: 1, y: 1 }, 0.2, 0.3),
    ).toThrow(/BlazeFace gave 5 values for 3 anchors/)
  })
})
