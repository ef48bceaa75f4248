import { describe, expect, it } from 'vitest'
import { body, face, head, person, scene } from './evidence.js'
import {
  bentOver,
  bodystyleOf,
  crouching,
  facingAway,
  legsOccluded,
  shoulderRatio,
  shouldersMissing,
  sideView,
  sitting,
} from '../../../../../src/detect/local/rules/body.js'
import { faceCovered, faceHidden, headTurned } from '../../../../../src/detect/local/rules/face.js'
import { judge } from '../../../../../src/detect/local/rules/judge.js'

/** Seated behind a table: hips in the frame, knees hidden, MoveNet's guess for them at hip level. */
const SEATED_BEHIND_TABLE = person({
  leftKnee: { score: 0.1, at: [380, 500] },
  rightKnee: { score: 0.1, at: [220, 500] },
  leftAnkle: { score: 0.05, at: [360, 560] },
  rightAnkle: { score: 0.05, at: [240, 560] },
})

describe('body and keypoint face rules', () => {
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
})

describe('shouldersMissing', () => {
  it('shoulders must be visible', () => {
    expect(shouldersMissing(body(person({ leftShoulder: { score: 0.1 } })))).toMatchObject({
      code: 'InvalidFile.BodyPose',
    })
  })

  describe('reading the crop before the body', () => {
    /** Head and shoulders: no hips in the frame, the far shoulder lost. */
    const portrait = person({
      leftShoulder: { score: 0.15, at: [380, 900] },
      leftHip: { score: 0.01, at: [350, 990] },
      rightHip: { score: 0.01, at: [250, 990] },
    })

    it('a head-and-shoulders frame whose head is turned leaves the fault to the face rules', () => {
      expect(shouldersMissing(body(portrait), head(face({ yaw: -30 })))).toBeUndefined()
      expect(shouldersMissing(body(portrait), head(face({}, 0.02)))).toBeUndefined()
      expect(judge(scene({ persons: [portrait], face: face({ yaw: -30 }) }))).toMatchObject({
        code: 'InvalidFile.FacePose',
        evidence: { rule: 'headPoseOff' },
      })
    })

    it('a frontal head with a shoulder missing is still BodyPose', () => {
      expect(shouldersMissing(body(portrait), head(face()))).toMatchObject({
        code: 'InvalidFile.BodyPose',
      })
    })

    it('with the hips in the frame a missing shoulder is BodyPose whatever the head does', () => {
      const hidden = person({ leftShoulder: { score: 0.1 } })
      expect(shouldersMissing(body(hidden), head(face({ yaw: -40 })))).toMatchObject({
        code: 'InvalidFile.BodyPose',
      })
    })
  })
})

describe('shoulderRatio', () => {
  it('is the shoulder width over the torso length: positive facing the camera, negative away', () => {
    // Shoulders 160 px apart, 260 px above the hips.
    expect(shoulderRatio(body(person()))).toBeCloseTo(160 / 260)
    const back = person({ leftShoulder: [220, 220], rightShoulder: [380, 220] })
    expect(shoulderRatio(body(back))).toBeCloseTo(-160 / 260)
    // No torso (the hips read at the shoulders): no ratio.
    expect(shoulderRatio(body(person({ leftHip: [380, 220], rightHip: [220, 220] })))).toBe(0)
  })
})

describe('facingAway', () => {
  it('a back view has the left shoulder on the left of the picture', () => {
    const back = person({ leftShoulder: [220, 220], rightShoulder: [380, 220] })
    expect(facingAway(body(back))).toMatchObject({
      code: 'InvalidFile.BodyPose',
      message: 'The person faces away from the camera.',
    })
  })

  it('a back view is BodyPose: left shoulder on the left and no face', () => {
    const back = person({
      leftShoulder: [220, 220],
      rightShoulder: [380, 220],
      leftHip: [250, 480],
      rightHip: [350, 480],
    })
    expect(judge(scene({ persons: [back], face: face({}, 0) }))).toMatchObject({
      code: 'InvalidFile.BodyPose',
      evidence: { rule: 'facingAway' },
    })
  })
})

describe('sideView', () => {
  it('a side view has narrow shoulders for its torso', () => {
    const side = person({ leftShoulder: [330, 220], rightShoulder: [270, 220] })
    expect(sideView(body(side))).toMatchObject({ code: 'InvalidFile.BodyPose' })
  })
})

describe('bentOver', () => {
  it('bending over tilts the torso', () => {
    const bent = person({
      leftShoulder: [180, 420],
      rightShoulder: [120, 470],
      leftHip: [400, 480],
      rightHip: [320, 500],
    })
    expect(bentOver(body(bent))?.message).toMatch(/leans \d+° from upright/)
  })
})

describe('sitting', () => {
  it('sitting brings the knees up to the hips', () => {
    const seated = person({ leftKnee: [360, 540], rightKnee: [240, 540] })
    expect(sitting(body(seated))).toMatchObject({ code: 'InvalidFile.BodyPose' })
  })

  it('reads hidden knees MoveNet places inside the frame at hip level as sitting', () => {
    expect(sitting(body(SEATED_BEHIND_TABLE))).toMatchObject({
      code: 'InvalidFile.BodyPose',
      message: expect.stringMatching(/legs are hidden below the hips/) as unknown,
    })
  })

  it('a frame cut just below the hips is not sitting: the guessed knees sit on the edge', () => {
    const cut = person({
      leftHip: [350, 850],
      rightHip: [250, 850],
      leftKnee: { score: 0.05, at: [345, 990] },
      rightKnee: { score: 0.05, at: [255, 995] },
      leftAnkle: { score: 0.01, at: [340, 995] },
      rightAnkle: { score: 0.01, at: [260, 995] },
    })
    expect(sitting(body(cut))).toBeUndefined()
  })

  it('visible knees decide over guessed ones', () => {
    const standing = person({ rightKnee: { score: 0.1, at: [255, 490] } })
    expect(sitting(body(standing))).toBeUndefined()
  })
})

describe('crouching', () => {
  it('a standing person is not crouching', () => {
    expect(crouching(body(person()))).toBeUndefined()
  })

  it('a knee folded sharply between hip and ankle is crouching', () => {
    const folded = person({ leftKnee: [470, 620], leftAnkle: [360, 700] })
    expect(crouching(body(folded))).toMatchObject({ code: 'InvalidFile.BodyPose' })
  })

  it('ankles close under the hips are crouching, even with the knees out of sight', () => {
    const squat = person({
      leftKnee: { score: 0.1 },
      rightKnee: { score: 0.1 },
      leftAnkle: [350, 620],
      rightAnkle: [250, 620],
    })
    expect(crouching(body(squat))).toMatchObject({ code: 'InvalidFile.BodyPose' })
  })
})

describe('legsOccluded and bodystyleOf', () => {
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
