import { describe, expect, it } from 'vitest'
import { HEIGHT, STANDING, WIDTH } from './people.js'
import type { Observation } from '../../../../src/detect/local/observe.js'
import {
  KEYPOINT_NAMES,
  type Keypoint,
  type KeypointName,
} from '../../../../src/detect/local/pose.js'
import { judge } from '../../../../src/detect/local/rules.js'

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

describe('the evidence the gallery draws', () => {
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
