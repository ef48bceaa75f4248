import { describe, expect, it } from 'vitest'
import { PERSON_BOX, box, detected, face, observe, person, scene } from './evidence.js'
import { judge } from '../../../../../src/detect/local/rules/judge.js'

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

  it('passes one frontal standing person, with evidence', () => {
    const detection = judge(scene())
    expect(detection).toMatchObject({ status: 'pass', bodystyle: 'full' })
    expect(detection.evidence).toMatchObject({
      rule: 'pass',
      people: [{ source: 'detector', box: [0.3, 0.05, 0.72, 0.95] }],
      head: { yaw: 0, pitch: 5, faceScore: 0.99 },
    })
    expect(JSON.parse(JSON.stringify(detection))).toEqual(detection)
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

  it('orders the codes: count, then body, then face', () => {
    const two = [
      detected('person', 0.8, PERSON_BOX),
      detected('person', 0.7, box(0.0, 0.1, 0.25, 0.9)),
    ]
    expect(judge(scene({ objects: two, face: face({ yaw: 70 }) }))).toMatchObject({
      code: 'InvalidFile.Content',
    })
    const side = person({ leftShoulder: [330, 220], rightShoulder: [270, 220] })
    expect(judge(scene({ persons: [side], face: face({ yaw: 70 }) }))).toMatchObject({
      code: 'InvalidFile.BodyPose',
    })
    expect(judge(scene({ face: face({ yaw: 70 }), meanLuma: 10 }))).toMatchObject({
      code: 'InvalidFile.FacePose',
    })
  })

  it('rejects a person found with no pose as bodyNotSeen, after the face checks and before the light', () => {
    // The detector finds the person, MoveNet nobody: a frontal face, but no body to judge.
    const detection = judge(scene({ persons: [], meanLuma: 10 }))
    expect(detection).toEqual({
      status: 'reject',
      code: 'InvalidFile.BodyPose',
      message: 'The body is not visible enough to check the pose: show at least head to waist.',
      evidence: expect.objectContaining({
        rule: 'bodyNotSeen',
        people: [{ box: [0.3, 0.05, 0.72, 0.95], score: 0.8, source: 'detector' }],
      }) as unknown,
    })
    // A face fault still comes first.
    expect(judge(scene({ persons: [], face: face({ yaw: 70 }) }))).toMatchObject({
      evidence: { rule: 'headPoseOff' },
    })
  })
})
