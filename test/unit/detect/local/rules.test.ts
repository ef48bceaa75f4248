import { describe, expect, it } from 'vitest'
import { HEIGHT, STANDING, WIDTH } from './people.js'
import {
  KEYPOINT_NAMES,
  type Keypoint,
  type KeypointName,
  type Person,
} from '../../../../src/detect/local/pose.js'
import {
  Body,
  bentOver,
  bodystyleOf,
  countPeople,
  faceCovered,
  faceHidden,
  facingAway,
  findPeople,
  headTurned,
  judge,
  legsOccluded,
  shouldersMissing,
  sideView,
  sitting,
  tooDark,
} from '../../../../src/detect/local/rules.js'

function person(
  changes: Partial<
    Record<KeypointName, [number, number] | { score: number; at?: [number, number] }>
  > = {},
  score = 0.8,
): Person {
  const keypoints = {} as Record<KeypointName, Keypoint>
  for (const name of KEYPOINT_NAMES) {
    const change = changes[name]
    const [x, y] = Array.isArray(change) ? change : (change?.at ?? STANDING[name])
    keypoints[name] = {
      x: x / WIDTH,
      y: y / HEIGHT,
      score: Array.isArray(change) || change === undefined ? 0.8 : change.score,
    }
  }
  return { score, keypoints }
}
const body = (p: Person) => new Body(p, WIDTH, HEIGHT)
const observe = (persons: Person[], meanLuma = 120) => ({
  persons,
  width: WIDTH,
  height: HEIGHT,
  meanLuma,
})

describe('countPeople', () => {
  it('needs exactly one person above the score threshold', () => {
    const count = (persons: Person[]) => countPeople(findPeople(observe(persons)))
    expect(count([])).toMatchObject({
      code: 'InvalidFile.Content',
      message: 'No person was found in the photo.',
    })
    expect(count([person({}, 0.2)])).toMatchObject({ code: 'InvalidFile.Content' })
    expect(count([person(), person({}, 0.35)])).toMatchObject({
      message: '2 people were found; the photo must show exactly one.',
    })
    expect(count([person(), person({}, 0.1)])).toBeUndefined()
  })
})

describe('body rules', () => {
  it('a frontal standing person passes every rule, full body', () => {
    const b = body(person())
    for (const rule of [
      shouldersMissing,
      facingAway,
      sideView,
      bentOver,
      sitting,
      legsOccluded,
      faceHidden,
      faceCovered,
      headTurned,
    ]) {
      expect(rule(b), rule.name).toBeUndefined()
    }
    expect(bodystyleOf(b)).toBe('full')
  })

  it('shoulders must be visible', () => {
    expect(shouldersMissing(body(person({ leftShoulder: { score: 0.1 } })))).toMatchObject({
      code: 'InvalidFile.BodyPose',
    })
  })

  it('a back view has the left shoulder on the left of the picture', () => {
    const back = person({ leftShoulder: [220, 220], rightShoulder: [380, 220] })
    expect(facingAway(body(back))).toMatchObject({
      code: 'InvalidFile.BodyPose',
      message: 'The person faces away from the camera.',
    })
  })

  it('a side view has narrow shoulders for its torso', () => {
    const side = person({ leftShoulder: [330, 220], rightShoulder: [270, 220] })
    expect(sideView(body(side))).toMatchObject({ code: 'InvalidFile.BodyPose' })
  })

  it('bending over tilts the torso', () => {
    const bent = person({
      leftShoulder: [180, 420],
      rightShoulder: [120, 470],
      leftHip: [400, 480],
      rightHip: [320, 500],
    })
    expect(bentOver(body(bent))?.message).toMatch(/leans \d+° from upright/)
  })

  it('sitting brings the knees up to the hips', () => {
    const seated = person({ leftKnee: [360, 540], rightKnee: [240, 540] })
    expect(sitting(body(seated))).toMatchObject({ code: 'InvalidFile.BodyPose' })
  })

  it('an ankle hidden inside the frame is occlusion; a frame cut below the knees is not', () => {
    const hidden = person({ rightAnkle: { score: 0.1, at: [260, 880] } })
    expect(legsOccluded(body(hidden))).toMatchObject({ code: 'InvalidFile.BodyPose' })
    const cropped = person({
      leftKnee: [345, 960],
      rightKnee: [255, 960],
      leftAnkle: { score: 0.05, at: [340, 990] },
      rightAnkle: { score: 0.05, at: [260, 990] },
    })
    expect(legsOccluded(body(cropped))).toBeUndefined()
    expect(bodystyleOf(body(cropped))).toBe('half')
  })
})

describe('face rules', () => {
  it('eyes and nose must be visible', () => {
    expect(
      faceHidden(body(person({ leftEye: { score: 0.05 }, rightEye: { score: 0.05 } }))),
    ).toMatchObject({ code: 'InvalidFile.FacePose' })
  })

  it('a wrist at the nose covers the face', () => {
    expect(faceCovered(body(person({ leftWrist: [310, 130] })))).toMatchObject({
      code: 'InvalidFile.FacePose',
    })
  })

  it('a nose far off the eyes’ midpoint is a turned head', () => {
    expect(headTurned(body(person({ nose: [318, 120] })))).toMatchObject({
      code: 'InvalidFile.FacePose',
    })
    expect(headTurned(body(person({ nose: [305, 120] })))).toBeUndefined()
  })
})

describe('tooDark', () => {
  it('rejects only very dark photos', () => {
    expect(tooDark(20)).toMatchObject({ code: 'InvalidFile.BodyPose' })
    expect(tooDark(60)).toBeUndefined()
  })
})

describe('judge', () => {
  it('passes a frontal full-body photo', () => {
    expect(judge(observe([person()]))).toMatchObject({ status: 'pass', bodystyle: 'full' })
  })

  it('passes a half-body photo cut at the thighs', () => {
    const half = person({
      leftKnee: { score: 0.1, at: [345, 990] },
      rightKnee: { score: 0.1, at: [255, 990] },
      leftAnkle: { score: 0.01, at: [340, 995] },
      rightAnkle: { score: 0.01, at: [260, 995] },
    })
    expect(judge(observe([half]))).toMatchObject({ status: 'pass', bodystyle: 'half' })
  })

  it('checks person count, then body, then face, then light', () => {
    expect(judge(observe([person(), person()]))).toMatchObject({ code: 'InvalidFile.Content' })
    const sideAndCovered = person({
      leftShoulder: [330, 220],
      rightShoulder: [270, 220],
      leftWrist: [310, 130],
    })
    expect(judge(observe([sideAndCovered]))).toMatchObject({ code: 'InvalidFile.BodyPose' })
    expect(judge(observe([person({ leftWrist: [310, 130] })], 10))).toMatchObject({
      code: 'InvalidFile.FacePose',
    })
    expect(judge(observe([person()], 10))).toMatchObject({
      code: 'InvalidFile.BodyPose',
      message: expect.stringMatching(/too dark/) as unknown,
    })
  })
})
