import { describe, expect, it } from 'vitest'
import { PERSON_BOX, body, box, detected, person, scene } from './evidence.js'
import { judge } from '../../../../../src/detect/local/rules/judge.js'
import {
  behindTable,
  heldObjects,
  holdingObject,
} from '../../../../../src/detect/local/rules/objects.js'
import type { PersonFound } from '../../../../../src/detect/local/rules/people.js'

describe('heldObjects', () => {
  const subject: PersonFound = { box: PERSON_BOX, score: 0.8, source: 'detector' }

  it('counts a large thing only where a wrist is at it', () => {
    const atHand = detected('umbrella', 0.6, box(0.62, 0.4, 0.8, 0.6))
    const overBody = detected('surfboard', 0.6, box(0.35, 0.25, 0.65, 0.45))
    expect(heldObjects([atHand, overBody], subject, body(person()))).toEqual([atHand])
    // Without a pose there is no hand to hold anything.
    expect(heldObjects([atHand], subject, undefined)).toEqual([])
  })

  it('a handbag in the hand is not a large object', () => {
    const bag = detected('handbag', 0.6, box(0.62, 0.4, 0.8, 0.6))
    expect(heldObjects([bag], subject, body(person()))).toEqual([])
  })
})

describe('holdingObject', () => {
  it('names the first thing held, with its score, and finds nothing when nothing is held', () => {
    const umbrella = detected('umbrella', 0.6, box(0.62, 0.3, 0.9, 0.55))
    const surfboard = detected('surfboard', 0.42, box(0.0, 0.3, 0.3, 0.9))
    expect(holdingObject([umbrella, surfboard])).toEqual({
      code: 'InvalidFile.BodyPose',
      message: 'The person holds an umbrella (60%); hands and body must be free.',
    })
    expect(holdingObject([surfboard])?.message).toBe(
      'The person holds a surfboard (42%); hands and body must be free.',
    )
    expect(holdingObject([])).toBeUndefined()
  })

  it('a large object at a wrist is BodyPose, naming it', () => {
    const umbrella = detected('umbrella', 0.6, box(0.62, 0.3, 0.9, 0.55))
    expect(
      judge(scene({ objects: [detected('person', 0.8, PERSON_BOX), umbrella] })),
    ).toMatchObject({
      code: 'InvalidFile.BodyPose',
      message: expect.stringMatching(/umbrella/) as unknown,
      evidence: { rule: 'holdingObject', objects: [{ label: 'umbrella' }] },
    })
    const far = detected('umbrella', 0.6, box(0.0, 0.0, 0.1, 0.1))
    expect(judge(scene({ objects: [detected('person', 0.8, PERSON_BOX), far] }))).toMatchObject({
      status: 'pass',
    })
  })
})

describe('behindTable', () => {
  /** Waist-up at a table: hips hidden (MoveNet unsure of them), knees and ankles unseen. */
  const atTable = person({
    leftHip: { score: 0.2, at: [350, 480] },
    rightHip: { score: 0.2, at: [250, 480] },
    leftKnee: { score: 0.05 },
    rightKnee: { score: 0.05 },
    leftAnkle: { score: 0.05 },
    rightAnkle: { score: 0.05 },
  })
  const table = detected('dining table', 0.19, box(0.05, 0.4, 0.95, 0.75))

  it('a table across the hips, its top between shoulders and hips, is sitting', () => {
    expect(behindTable([table], body(atTable))).toMatchObject({
      code: 'InvalidFile.BodyPose',
      message: expect.stringContaining('sit behind a dining table (19%)') as string,
    })
    const observation = scene({
      persons: [atTable],
      objects: [detected('person', 0.8, box(0.3, 0.05, 0.72, 0.6)), table],
    })
    expect(judge(observation)).toMatchObject({
      status: 'reject',
      code: 'InvalidFile.BodyPose',
      evidence: { rule: 'behindTable' },
    })
  })

  it('a person standing in front of a table shows their knees: not sitting', () => {
    const standing = person({
      leftHip: { score: 0.2, at: [350, 480] },
      rightHip: { score: 0.2, at: [250, 480] },
    })
    expect(behindTable([table], body(standing))).toBeUndefined()
  })

  it('a table beside the person, below the hips or over the chest is not', () => {
    const beside = detected('dining table', 0.3, box(0.0, 0.4, 0.3, 0.75))
    const below = detected('dining table', 0.3, box(0.05, 0.55, 0.95, 0.9))
    const chest = detected('laptop', 0.3, box(0.3, 0.15, 0.7, 0.4))
    for (const thing of [beside, below, chest])
      expect(behindTable([thing], body(atTable))).toBeUndefined()
    expect(behindTable([detected('bench', 0.5, table.box)], body(atTable))).toBeUndefined()
    expect(behindTable([table], undefined)).toBeUndefined()
  })
})
