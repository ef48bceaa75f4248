import { describe, expect, it } from 'vitest'
import { HEIGHT, PERSON_BOX, STANDING, WIDTH, box, face, head, person } from './evidence.js'
import type { Evidence } from '../../../../../src/detect/types.js'
import type { Observation } from '../../../../../src/detect/local/observe.js'
import {
  KEYPOINT_NAMES,
  type Keypoint,
  type KeypointName,
} from '../../../../../src/detect/local/pose.js'
import { addDrawnEvidence } from '../../../../../src/detect/local/rules/drawn.js'
import { judge } from '../../../../../src/detect/local/rules/judge.js'
import type { PersonFound } from '../../../../../src/detect/local/rules/people.js'

/** The standing person, with the left ankle unseen (score under the keypoint threshold). */
function scene(): Observation {
  const keypoints = {} as Record<KeypointName, Keypoint>
  for (const name of KEYPOINT_NAMES) {
    const [x, y] = STANDING[name]
    keypoints[name] = { x: x / WIDTH, y: y / HEIGHT, score: name === 'leftAnkle' ? 0.05 : 0.8 }
  }
  return {
    persons: [{ score: 0.8, keypoints }],
    width: WIDTH,
    height: HEIGHT,
    meanLuma: 120,
    objects: [
      { label: 'person', score: 0.8, box: { left: 0.3, top: 0.05, right: 0.72, bottom: 0.95 } },
    ],
    face: {
      score: 0.99,
      crop: { left: 0.4, top: 0.05, right: 0.6, bottom: 0.17 },
      pixels: 120,
      pose: { yaw: 3, pitch: 5, roll: 0 },
      noseOffset: 0,
    },
  }
}

describe('addDrawnEvidence', () => {
  it('adds each posed person’s seen keypoints, rounded, and the head square, in place', () => {
    const evidence: Evidence = {
      rule: 'pass',
      people: [
        { box: [0.3, 0.05, 0.72, 0.95], score: 0.8, source: 'detector' },
        { box: [0.8, 0.2, 0.9, 0.3], score: 0.3, source: 'face' },
      ],
      head: { yaw: 0, pitch: 5, roll: 0, faceScore: 0.99 },
      objects: [],
    }
    const people: PersonFound[] = [
      {
        box: PERSON_BOX,
        score: 0.8,
        source: 'detector',
        pose: person({ leftAnkle: { score: 0.05 } }),
      },
      { box: box(0.8, 0.2, 0.9, 0.3), score: 0.3, source: 'face' },
    ]
    addDrawnEvidence(evidence, people, head(face()))
    const keypoints = evidence.people[0]?.keypoints ?? []
    expect(keypoints.map((k) => k.name)).toEqual(KEYPOINT_NAMES.filter((n) => n !== 'leftAnkle'))
    // 380 / 600 to three places.
    expect(keypoints.find((k) => k.name === 'leftShoulder')).toEqual({
      name: 'leftShoulder',
      x: 0.633,
      y: 0.22,
      score: 0.8,
    })
    // A face found apart has no skeleton to draw.
    expect(evidence.people[1]?.keypoints).toBeUndefined()
    expect(evidence.head?.box).toEqual([0.4, 0.05, 0.6, 0.17])
    // No head evidence: no square to add it to.
    const bare: Evidence = { rule: 'pass', people: [], objects: [] }
    addDrawnEvidence(bare, [], head(face()))
    expect(bare.head).toBeUndefined()
  })

  it('holds the seen keypoints of each person, in image fractions, and the head square', () => {
    const evidence = judge(scene()).evidence
    const keypoints = evidence?.people[0]?.keypoints ?? []
    expect(keypoints.map((k) => k.name)).toEqual(KEYPOINT_NAMES.filter((n) => n !== 'leftAnkle'))
    expect(keypoints.find((k) => k.name === 'nose')).toEqual({
      name: 'nose',
      x: 0.5,
      y: 0.12,
      score: 0.8,
    })
    expect(evidence?.head?.box).toEqual([0.4, 0.05, 0.6, 0.17])
  })
})
