import { describe, expect, it } from 'vitest'
import { PERSON_BOX, box, face, head, scene } from './evidence.js'
import type { LumaGrid } from '../../../../../src/detect/local/observation.js'
import { judge } from '../../../../../src/detect/local/rules/judge.js'
import { lightOn, lumaIn, tooDark } from '../../../../../src/detect/local/rules/light.js'
import type { PersonFound } from '../../../../../src/detect/local/rules/people.js'

/** A uniform grid with one brighter rectangle (grid cells, inclusive). */
function grid(
  background: number,
  lit?: { luma: number; cells: [number, number, number, number] },
): LumaGrid {
  const values: number[] = []
  for (let row = 0; row < 10; row++)
    for (let column = 0; column < 10; column++) {
      const inside =
        lit !== undefined &&
        column >= lit.cells[0] &&
        row >= lit.cells[1] &&
        column <= lit.cells[2] &&
        row <= lit.cells[3]
      values.push(inside ? lit.luma : background)
    }
  return { columns: 10, rows: 10, values }
}

describe('lumaIn', () => {
  it('averages the grid over a box, weighting cells by cover', () => {
    const g = grid(10, { luma: 110, cells: [0, 0, 4, 9] })
    expect(lumaIn(g, box(0, 0, 0.5, 1))).toBeCloseTo(110)
    expect(lumaIn(g, box(0.4, 0, 0.6, 1))).toBeCloseTo(60)
    expect(lumaIn(g, box(2, 2, 3, 3))).toBeUndefined()
  })
})

describe('lightOn', () => {
  it('a lit face on a dark backdrop is lit; a dark face is dark', () => {
    const stage = grid(15, { luma: 140, cells: [4, 0, 5, 1] })
    expect(lightOn({ luma: stage, meanLuma: 20 }, undefined, head(face()))).toMatchObject({
      on: 'face',
    })
    expect(judge(scene({ luma: stage, meanLuma: 20 }))).toMatchObject({ status: 'pass' })
    const dim = grid(15, { luma: 30, cells: [4, 0, 5, 1] })
    expect(judge(scene({ luma: dim, meanLuma: 120 }))).toMatchObject({
      code: 'InvalidFile.BodyPose',
      evidence: { rule: 'tooDark' },
      message: expect.stringMatching(/on the person's face/) as unknown,
    })
  })

  it('reads the face BlazeFace found, not the head square with its hair and dark backdrop', () => {
    // The head's square (x 0.4–0.6, y 0.05–0.17) is lit only where the face is (grid row 1).
    const lit = grid(0, { luma: 60, cells: [4, 1, 5, 1] })
    const faces = [{ box: box(0.42, 0.1, 0.58, 0.17), score: 0.9 }]
    expect(judge(scene({ luma: lit, meanLuma: 20 }))).toMatchObject({
      evidence: { rule: 'tooDark' },
    })
    expect(judge(scene({ luma: lit, meanLuma: 20, faces }))).toMatchObject({ status: 'pass' })
    const onFace = lightOn({ luma: lit, meanLuma: 20 }, undefined, {
      ...head(face()),
      face: faces[0]?.box ?? box(0, 0, 0, 0),
    })
    expect(onFace.on).toBe('face')
    expect(onFace.luma).toBeCloseTo(60)
  })

  it('reads the body box without a face, and the frame without a grid', () => {
    const subject: PersonFound = { box: PERSON_BOX, score: 0.8, source: 'detector' }
    const onBody = lightOn({ luma: grid(90), meanLuma: 20 }, subject, head(face({}, 0.1)))
    expect(onBody.on).toBe('body')
    expect(onBody.luma).toBeCloseTo(90)
    expect(lightOn({ meanLuma: 20 }, subject, undefined)).toEqual({ luma: 20, on: 'frame' })
    expect(tooDark({ luma: 20, on: 'frame' })?.message).toMatch(/on the photo/)
  })
})

describe('tooDark', () => {
  it('rejects only very dark photos', () => {
    expect(tooDark(20)).toMatchObject({ code: 'InvalidFile.BodyPose' })
    expect(tooDark(60)).toBeUndefined()
  })
})
