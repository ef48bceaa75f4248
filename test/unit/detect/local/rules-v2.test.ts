import { describe, expect, it } from 'vitest'
import { HEIGHT, PERSON_BOX, STANDING, WIDTH, box, detected, face, scene } from './people.js'
import { headPose, noseOffset } from '../../../../src/detect/local/face.js'
import { suppress } from '../../../../src/detect/local/objects.js'
import { headCrop } from '../../../../src/detect/local/observe.js'
import {
  KEYPOINT_NAMES,
  type Keypoint,
  type KeypointName,
  type Person,
} from '../../../../src/detect/local/pose.js'
import { findPeople, judge } from '../../../../src/detect/local/rules.js'

function person(
  changes: Partial<Record<KeypointName, [number, number]>> = {},
  shift = 0,
  score = 0.8,
): Person {
  const keypoints = {} as Record<KeypointName, Keypoint>
  for (const name of KEYPOINT_NAMES) {
    const [x, y] = changes[name] ?? STANDING[name]
    keypoints[name] = { x: (x + shift) / WIDTH, y: y / HEIGHT, score: 0.8 }
  }
  return { score, keypoints }
}

describe('findPeople', () => {
  it('counts detector boxes, and a MoveNet person no box accounts for', () => {
    expect(findPeople(scene())).toHaveLength(1)
    const behind = detected('person', 0.4, box(0.02, 0.3, 0.12, 0.6))
    expect(
      findPeople(scene({ objects: [detected('person', 0.8, PERSON_BOX), behind] })),
    ).toHaveLength(2)
    // A hidden-face or greyscale person MoveNet misses is still counted by the detector.
    expect(findPeople(scene({ persons: [] }))).toMatchObject([{ source: 'detector' }])
    // Someone MoveNet sees outside every detector box.
    expect(findPeople(scene({ persons: [person(), person({}, -250, 0.5)] }))).toHaveLength(2)
  })

  it('ignores weak boxes, people under a tenth of the frame and boxes inside a bigger one', () => {
    const objects = [
      detected('person', 0.8, PERSON_BOX),
      detected('person', 0.1, box(0.02, 0.3, 0.12, 0.6)),
      detected('person', 0.6, box(0.02, 0.3, 0.05, 0.35)),
      detected('person', 0.5, box(0.35, 0.1, 0.7, 0.9)),
    ]
    expect(findPeople(scene({ objects }))).toHaveLength(1)
  })

  it('two people standing close in one box are two when their keypoints lie apart', () => {
    const wide = detected('person', 0.8, box(0.05, 0.05, 0.95, 0.95))
    const persons = [person({}, -140), person({}, 140, 0.6)]
    expect(findPeople(scene({ persons, objects: [wide] }))).toHaveLength(2)
  })
})

describe('judge', () => {
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

  it('no face where the head is, or a face cut by the frame, is FacePose', () => {
    expect(judge(scene({ face: face({}, 0.02) }))).toMatchObject({
      code: 'InvalidFile.FacePose',
      evidence: { rule: 'faceNotFound' },
    })
    const cut = { ...face(), crop: box(0.4, -0.08, 0.6, 0.04) }
    expect(judge(scene({ face: cut }))).toMatchObject({ evidence: { rule: 'faceCropped' } })
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
})

describe('face geometry', () => {
  it('reads yaw from the cheeks and a frontal face as ~0', () => {
    const mesh: [number, number, number][] = Array.from({ length: 468 }, () => [0, 0, 0])
    mesh[10] = [0, -10, 0]
    mesh[152] = [0, 10, 0]
    mesh[234] = [-8, 0, 0]
    mesh[454] = [8, 0, 0]
    mesh[1] = [0, 0, -5]
    expect(headPose(mesh).yaw).toBeCloseTo(0)
    expect(noseOffset(mesh)).toBeCloseTo(0)
    // Turn 60°: the far cheek moves back and in, the nose towards it.
    const turn = (Math.PI / 180) * 60
    mesh[234] = [-8 * Math.cos(turn), 0, 8 * Math.sin(turn)]
    mesh[454] = [8 * Math.cos(turn), 0, -8 * Math.sin(turn)]
    mesh[1] = [5 * Math.sin(turn), 0, -5 * Math.cos(turn)]
    expect(Math.abs(headPose(mesh).yaw)).toBeCloseTo(60)
    expect(Math.abs(noseOffset(mesh))).toBeGreaterThan(0.5)
  })

  it('reads a bowed head as positive pitch and a raised one as negative (the image y points down)', () => {
    const mesh: [number, number, number][] = Array.from({ length: 468 }, () => [0, 0, 0])
    mesh[234] = [-8, 0, 0]
    mesh[454] = [8, 0, 0]
    // Bowed 30°: the forehead comes towards the camera (smaller z), the chin goes back.
    const bow = (Math.PI / 180) * 30
    mesh[10] = [0, -10 * Math.cos(bow), -10 * Math.sin(bow)]
    mesh[152] = [0, 10 * Math.cos(bow), 10 * Math.sin(bow)]
    expect(headPose(mesh).pitch).toBeCloseTo(30)
    mesh[10] = [0, -10 * Math.cos(bow), 10 * Math.sin(bow)]
    mesh[152] = [0, 10 * Math.cos(bow), -10 * Math.sin(bow)]
    expect(headPose(mesh).pitch).toBeCloseTo(-30)
  })

  it('places the head crop around the face keypoints', () => {
    const crop = headCrop(person(), PERSON_BOX, WIDTH, HEIGHT)
    expect(crop).toBeDefined()
    if (crop === undefined) return
    expect(crop.left).toBeLessThan(265 / WIDTH)
    expect(crop.right).toBeGreaterThan(335 / WIDTH)
    expect(crop.top).toBeLessThan(105 / HEIGHT)
  })

  it('keeps the strongest of overlapping boxes per label', () => {
    const kept = suppress(
      [
        detected('person', 0.5, box(0, 0, 0.5, 1)),
        detected('person', 0.9, box(0.02, 0, 0.5, 1)),
        detected('umbrella', 0.4, box(0, 0, 0.5, 1)),
      ],
      0.5,
    )
    expect(kept.map((o) => [o.label, o.score])).toEqual([
      ['person', 0.9],
      ['umbrella', 0.4],
    ])
  })
})
