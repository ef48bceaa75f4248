import { describe, expect, it } from 'vitest'
import { PERSON_BOX, body, box, detected, face, head, person, scene } from './evidence.js'
import {
  faceCover,
  faceCovered,
  faceCropped,
  faceHidden,
  faceNotFound,
  handOverFace,
  headLooksAway,
  headOf,
  headPoseOff,
  headTurned,
} from '../../../../../src/detect/local/rules/face.js'
import { judge } from '../../../../../src/detect/local/rules/judge.js'
import { THRESHOLDS } from '../../../../../src/detect/local/thresholds.js'

describe('headOf', () => {
  it('takes the subject’s face from BlazeFace only where it is sure, nearest the head’s centre', () => {
    const reading = face() // its square: x 0.4–0.6, y 0.05–0.17
    const own = { box: box(0.45, 0.07, 0.55, 0.16), score: 0.9 }
    const held = { box: box(0.52, 0.1, 0.6, 0.17), score: 0.95 }
    expect(headOf({ face: reading, faces: [held, own] })?.face).toEqual(own.box)
    expect(headOf({ face: reading, faces: [{ ...own, score: 0.3 }] })?.face).toBeUndefined()
    expect(headOf({ face: reading, faces: [] })?.face).toBeUndefined()
  })
})

describe('faceHidden', () => {
  it('eyes and nose must be visible', () => {
    expect(
      faceHidden(body(person({ leftEye: { score: 0.05 }, rightEye: { score: 0.05 } }))),
    ).toMatchObject({ code: 'InvalidFile.FacePose' })
  })
})

describe('faceCovered', () => {
  it('a wrist at the nose covers the face', () => {
    expect(faceCovered(body(person({ leftWrist: [310, 130] })))).toMatchObject({
      code: 'InvalidFile.FacePose',
    })
  })
})

describe('headTurned', () => {
  it('a nose far off the eyes’ midpoint is a turned head', () => {
    expect(headTurned(body(person({ nose: [318, 120] })))).toMatchObject({
      code: 'InvalidFile.FacePose',
    })
    expect(headTurned(body(person({ nose: [305, 120] })))).toBeUndefined()
  })
})

describe('headLooksAway', () => {
  it('reads a turned head from the pose keypoints when FaceMesh has no reading', () => {
    expect(headLooksAway(body(person({ nose: [320, 120] })), undefined)).toBe(true)
    expect(headLooksAway(body(person()), undefined)).toBe(false)
    expect(headLooksAway(body(person()), head(face({ yaw: 35 })))).toBe(true)
  })
})

describe('faceCropped', () => {
  it('rejects a head whose square lies mostly outside the photo', () => {
    const cut = headOf({ face: { ...face(), crop: box(0.4, -0.08, 0.6, 0.04) } })
    expect(faceCropped(cut)).toEqual({
      code: 'InvalidFile.FacePose',
      message: 'The face is cut off by the edge of the photo.',
    })
    expect(faceCropped(headOf({ face: face() }))).toBeUndefined()
    expect(faceCropped({ reading: face(), outside: 0.1 })).toBeUndefined()
    expect(faceCropped(undefined)).toBeUndefined()
  })
})

describe('faceNotFound', () => {
  it('rejects a head with no face FaceMesh is sure of, naming the cover when there is one', () => {
    expect(faceNotFound(head(face({}, 0.02)))).toEqual({
      code: 'InvalidFile.FacePose',
      message:
        'No face is visible where the head is (face confidence 0.02); the face must be uncovered and towards the camera.',
    })
    const cup = detected('cup', 0.5, box(0.42, 0.06, 0.55, 0.16))
    expect(faceNotFound(head(face({}, 0.02)), THRESHOLDS, cup)?.message).toBe(
      'A cup covers the face (face confidence 0.02); the face must be uncovered and towards the camera.',
    )
    expect(faceNotFound(head(face()), THRESHOLDS, cup)).toBeUndefined()
    expect(faceNotFound(undefined)).toBeUndefined()
  })

  it('no face where the head is, or a face cut by the frame, is FacePose', () => {
    expect(judge(scene({ face: face({}, 0.02) }))).toMatchObject({
      code: 'InvalidFile.FacePose',
      evidence: { rule: 'faceNotFound' },
    })
    const cut = { ...face(), crop: box(0.4, -0.08, 0.6, 0.04) }
    expect(judge(scene({ face: cut }))).toMatchObject({ evidence: { rule: 'faceCropped' } })
  })

  describe('statues and mannequins', () => {
    it('are judged as people: the models cannot tell them apart, and a figure without a face is FacePose', () => {
      // Decision: no rule tries to tell a statue or a mannequin from a person (nothing in the
      // evidence separates them reliably). Most have no face FaceMesh accepts, so they are rejected
      // with FacePose, where the spec's label would be Content; a lifelike one passes.
      expect(judge(scene({ face: face({}, 0.0) }))).toMatchObject({
        status: 'reject',
        code: 'InvalidFile.FacePose',
        evidence: { rule: 'faceNotFound' },
      })
    })
  })
})

describe('faceCover', () => {
  it('picks the strongest face cover over the head’s square, of those sure and large enough', () => {
    // The head's square: x 0.4–0.6, y 0.05–0.17.
    const over = box(0.42, 0.06, 0.55, 0.16)
    const phone = detected('cell phone', 0.45, over)
    const cup = detected('cup', 0.6, over)
    // Stronger than the cup, each ruled out: under the score bar, only grazing the square
    // (6% of it), or nothing held up to a face.
    const faint = detected('bottle', 0.1, over)
    const grazing = detected('book', 0.9, box(0.58, 0.1, 0.7, 0.2))
    const tie = detected('tie', 0.95, over)
    expect(faceCover(head(face({}, 0.05)), [phone, tie, grazing, cup, faint])).toBe(cup)
    expect(faceCover(head(face({}, 0.05)), [cup, phone])).toBe(cup)
    expect(faceCover(head(face({}, 0.05)), [phone])).toBe(phone)
    expect(faceCover(head(face({}, 0.05)), [faint])).toBeUndefined()
    expect(faceCover(head(face({}, 0.05)), [grazing])).toBeUndefined()
    expect(faceCover(head(face({}, 0.05)), [tie])).toBeUndefined()
    // A square of no area is covered by nothing.
    expect(faceCover(head(face({}, 0.05, box(0.5, 0.1, 0.5, 0.1))), [cup])).toBeUndefined()
  })

  it('names a phone held over a face FaceMesh cannot find; a phone beside a visible face passes', () => {
    const phone = detected('cell phone', 0.45, box(0.42, 0.06, 0.55, 0.16))
    const objects = [detected('person', 0.8, PERSON_BOX), phone]
    const covered = judge(scene({ objects, face: face({}, 0.05) }))
    expect(covered).toMatchObject({
      code: 'InvalidFile.FacePose',
      evidence: { rule: 'faceNotFound', objects: [{ label: 'cell phone', score: 0.45 }] },
    })
    expect(covered.message).toMatch(/^A cell phone covers the face \(face confidence 0\.05\)/)
    expect(judge(scene({ objects }))).toMatchObject({ status: 'pass' })
    // A tie (or anything not held up to a face) over the head's square is not named.
    const tie = detected('tie', 0.6, box(0.42, 0.06, 0.55, 0.16))
    expect(
      judge(scene({ objects: [detected('person', 0.8, PERSON_BOX), tie], face: face({}, 0.05) }))
        .message,
    ).toMatch(/^No face is visible/)
    // A phone that only grazes the head's square is not named either.
    const beside = detected('cell phone', 0.45, box(0.58, 0.1, 0.7, 0.2))
    const grazed = judge(
      scene({ objects: [detected('person', 0.8, PERSON_BOX), beside], face: face({}, 0.05) }),
    )
    expect(grazed.message).toMatch(/^No face is visible/)
  })
})

describe('headPoseOff', () => {
  it('reads the yaw, then the pitch, of a face FaceMesh is sure of', () => {
    expect(headPoseOff(head(face({ yaw: -30 })))).toEqual({
      code: 'InvalidFile.FacePose',
      message: 'The head is turned 30° to the side; look at the camera.',
    })
    expect(headPoseOff(head(face({ yaw: 30, pitch: 40 })))?.message).toMatch(/turned 30°/)
    expect(headPoseOff(head(face({ pitch: -30 })))?.message).toBe(
      'The head is tilted 30° up; look at the camera.',
    )
    expect(headPoseOff(head(face({ yaw: 20, pitch: 20 })))).toBeUndefined()
    // No face found: that is faceNotFound's to say.
    expect(headPoseOff(head(face({ yaw: 60 }, 0.2)))).toBeUndefined()
    expect(headPoseOff(undefined)).toBeUndefined()
  })

  it('a profile head is FacePose, not BodyPose', () => {
    expect(judge(scene({ face: face({ yaw: 60 }) }))).toMatchObject({
      code: 'InvalidFile.FacePose',
      evidence: { rule: 'headPoseOff', head: { yaw: 60 } },
    })
    expect(judge(scene({ face: face({ yaw: -15 }) }))).toMatchObject({ status: 'pass' })
  })

  it('names which way a tilted head points: positive pitch is down', () => {
    expect(judge(scene({ face: face({ pitch: 40 }) })).message).toBe(
      'The head is tilted 40° down; look at the camera.',
    )
    expect(judge(scene({ face: face({ pitch: -40 }) })).message).toBe(
      'The head is tilted 40° up; look at the camera.',
    )
  })
})

describe('handOverFace', () => {
  it('a wrist near the nose covers the face, unless above the head’s square or beside the face', () => {
    const covering = body(person({ leftWrist: [320, 140], leftElbow: [380, 250] }))
    expect(handOverFace(head(face()), covering)).toEqual({
      code: 'InvalidFile.FacePose',
      message: 'A hand is in front of the face.',
    })
    expect(handOverFace(head(face()), body(person()))).toBeUndefined()
    expect(handOverFace(head(face()), undefined)).toBeUndefined()
    // Hands joined just above the head: near the nose, but over the top of the head's square.
    const raised = body(person({ leftWrist: [305, 45], rightWrist: [295, 45] }))
    expect(handOverFace(head(face()), raised)).toBeUndefined()
    expect(handOverFace(undefined, raised)).toMatchObject({ code: 'InvalidFile.FacePose' })
    // A hand in the hair: near the nose, but beside the face BlazeFace found.
    const inHair = body(person({ leftWrist: [355, 100] }))
    const faced = { ...head(face()), face: box(0.45, 0.07, 0.55, 0.16) }
    expect(handOverFace(faced, inHair)).toBeUndefined()
    expect(handOverFace(head(face()), inHair)).toMatchObject({ code: 'InvalidFile.FacePose' })
  })

  it('a wrist at the face covers it; hands raised above the head do not', () => {
    const covering = person({ leftWrist: [320, 140], leftElbow: [380, 250] })
    expect(judge(scene({ persons: [covering] }))).toMatchObject({
      code: 'InvalidFile.FacePose',
      evidence: { rule: 'handOverFace' },
    })
    // Hands joined just above the head: near the nose, but over the top of the head's square.
    const raised = person({
      leftWrist: [305, 45],
      rightWrist: [295, 45],
      leftElbow: [400, 100],
      rightElbow: [200, 100],
    })
    expect(judge(scene({ persons: [raised] }))).toMatchObject({ status: 'pass' })
  })

  it('a wrist beside the face BlazeFace found (a hand in the hair) does not cover it', () => {
    const faces = [{ box: box(0.45, 0.07, 0.55, 0.16), score: 0.9 }]
    const inHair = person({ leftWrist: [355, 100], leftElbow: [420, 200] })
    expect(judge(scene({ persons: [inHair], faces }))).toMatchObject({ status: 'pass' })
    // Without a face box there is no telling beside from in front: the wrist is at the face.
    expect(judge(scene({ persons: [inHair] }))).toMatchObject({
      evidence: { rule: 'handOverFace' },
    })
    const covering = person({ leftWrist: [320, 140], leftElbow: [380, 250] })
    expect(judge(scene({ persons: [covering], faces }))).toMatchObject({
      evidence: { rule: 'handOverFace' },
    })
    // A face found elsewhere (someone's in the background) is not the subject's.
    const elsewhere = [{ box: box(0.85, 0.2, 0.9, 0.25), score: 0.9 }]
    expect(judge(scene({ persons: [inHair], faces: elsewhere }))).toMatchObject({
      evidence: { rule: 'handOverFace' },
    })
  })
})
