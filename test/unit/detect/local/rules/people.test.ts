import { describe, expect, it } from 'vitest'
import {
  HEIGHT,
  PERSON_BOX,
  STANDING,
  WIDTH,
  box,
  detected,
  face,
  observe,
  person,
  scene,
  standingPerson,
} from './evidence.js'
import { unturn } from '../../../../../src/detect/local/observe.js'
import {
  KEYPOINT_NAMES,
  type Keypoint,
  type KeypointName,
  type Person,
} from '../../../../../src/detect/local/pose.js'
import { judge } from '../../../../../src/detect/local/rules/judge.js'
import {
  countPeople,
  facesApart,
  findPeople,
  keypointBox,
  lyingDown,
} from '../../../../../src/detect/local/rules/people.js'

/** The standing person moved `shift` pixels to the right. */
function shifted(shift: number, score = 0.8): Person {
  const keypoints = {} as Record<KeypointName, Keypoint>
  for (const name of KEYPOINT_NAMES) {
    const [x, y] = STANDING[name]
    keypoints[name] = { x: (x + shift) / WIDTH, y: y / HEIGHT, score: 0.8 }
  }
  return { score, keypoints }
}

/** The standing person at half size, its left edge moved to `left` (a fraction of the width). */
function smallPersonAt(left: number, score: number): Person {
  const keypoints = {} as Record<KeypointName, Keypoint>
  for (const name of KEYPOINT_NAMES) {
    const [x, y] = STANDING[name]
    keypoints[name] = {
      x: left + ((x - 190) / WIDTH) * 0.5,
      y: 0.3 + (y / HEIGHT) * 0.5,
      score: 0.7,
    }
  }
  return { score, keypoints }
}
const SMALL_BOX = (left: number) => box(left - 0.02, 0.3, left + 0.2, 0.8)

describe('keypointBox', () => {
  it('boxes the keypoints MoveNet sees, and nothing when it sees none', () => {
    const hiddenAnkles = person({ leftAnkle: { score: 0.05 }, rightAnkle: { score: 0.05 } })
    const around = keypointBox(hiddenAnkles)
    expect(around?.left).toBeCloseTo(190 / WIDTH)
    expect(around?.right).toBeCloseTo(410 / WIDTH)
    expect(around?.top).toBeCloseTo(105 / HEIGHT)
    // The knees, not the hidden ankles, are the lowest seen keypoints.
    expect(around?.bottom).toBeCloseTo(700 / HEIGHT)
    const unseen = person()
    for (const name of KEYPOINT_NAMES) unseen.keypoints[name].score = 0.1
    expect(keypointBox(unseen)).toBeUndefined()
  })
})

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
    expect(findPeople(scene({ persons: [person(), shifted(-250, 0.5)] }))).toHaveLength(2)
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
    const persons = [shifted(-140), shifted(140, 0.6)]
    expect(findPeople(scene({ persons, objects: [wide] }))).toHaveLength(2)
  })

  it('counts a close-up MoveNet sees only the head of by its width (a face in a fur hood)', () => {
    // Eyes, ears and nose on one line, 0.3 of the frame wide and 0.05 tall; nothing else seen.
    const keypoints = {} as Record<KeypointName, Keypoint>
    for (const name of KEYPOINT_NAMES) keypoints[name] = { x: 0.5, y: 0.8, score: 0.1 }
    keypoints.nose = { x: 0.5, y: 0.45, score: 0.7 }
    keypoints.leftEye = { x: 0.56, y: 0.4, score: 0.8 }
    keypoints.rightEye = { x: 0.44, y: 0.4, score: 0.8 }
    keypoints.leftEar = { x: 0.65, y: 0.42, score: 0.6 }
    keypoints.rightEar = { x: 0.35, y: 0.42, score: 0.6 }
    const closeUp = scene({ persons: [{ score: 0.4, keypoints }], objects: [] })
    expect(findPeople(closeUp)).toMatchObject([{ source: 'pose' }])
  })

  it('a flat row of keypoints with no head inside the subject’s box is not someone else', () => {
    // Arms read apart from their body: shoulders, elbows and wrists on one line, no face.
    const keypoints = {} as Record<KeypointName, Keypoint>
    for (const name of KEYPOINT_NAMES) keypoints[name] = { x: 0.5, y: 0.5, score: 0.05 }
    const arm = (x: number) => ({ x, y: 0.35, score: 0.7 })
    keypoints.leftShoulder = arm(0.45)
    keypoints.rightShoulder = arm(0.4)
    keypoints.leftElbow = arm(0.55)
    keypoints.rightElbow = arm(0.33)
    keypoints.leftWrist = arm(0.65)
    keypoints.rightWrist = arm(0.31)
    const observation = scene({ persons: [standingPerson(), { score: 0.4, keypoints }] })
    expect(findPeople(observation)).toHaveLength(1)
  })

  describe('a second person only where one is found apart from the subject', () => {
    it('a person box with no pose of its own inside the subject’s body is not someone else', () => {
      // A decorated mask held up beside the face, read as a small person, partly outside the box.
      const mask = detected('person', 0.5, box(0.55, 0.05, 0.77, 0.2))
      const objects = [detected('person', 0.8, PERSON_BOX), mask]
      expect(findPeople(scene({ objects }))).toHaveLength(1)
      // The same box beside the subject is a background person.
      const beside = detected('person', 0.5, box(0.75, 0.3, 0.95, 0.6))
      expect(
        findPeople(scene({ objects: [detected('person', 0.8, PERSON_BOX), beside] })),
      ).toHaveLength(2)
    })

    it('the strongest box is no exception: a mask scored above the body is still part of it', () => {
      // 70% inside the body: more than a part's share, less than a duplicate's.
      const mask = detected('person', 0.9, box(0.58, 0.05, 0.78, 0.2))
      const people = findPeople(scene({ objects: [mask, detected('person', 0.8, PERSON_BOX)] }))
      expect(people).toHaveLength(1)
      expect(people[0]?.box).toEqual(PERSON_BOX)
    })
  })

  describe('matching poses to person boxes', () => {
    it('the box holding all of a pose takes it before a part-box scored higher', () => {
      // A box over the torso and arm, 71% inside the body's box, scored above it.
      const part = detected('person', 0.9, box(0.2, 0.3, 0.55, 0.6))
      const people = findPeople(scene({ objects: [part, detected('person', 0.8, PERSON_BOX)] }))
      expect(people).toHaveLength(1)
      expect(people[0]?.box).toEqual(PERSON_BOX)
      expect(people[0]?.pose).toBeDefined()
    })
  })

  describe('people counted from two weak signals that agree', () => {
    const subject = detected('person', 0.8, PERSON_BOX)

    it('a person box under the bar holding a weak pose of its own counts (the rows of a group photo)', () => {
      const observation = scene({
        persons: [standingPerson(), smallPersonAt(0.78, 0.15)],
        objects: [subject, detected('person', 0.19, SMALL_BOX(0.78))],
      })
      expect(findPeople(observation)).toHaveLength(2)
      expect(judge(observation)).toMatchObject({ status: 'reject', code: 'InvalidFile.Content' })
    })

    it('either signal alone is not a person', () => {
      const boxAlone = scene({ objects: [subject, detected('person', 0.19, SMALL_BOX(0.78))] })
      expect(findPeople(boxAlone)).toHaveLength(1)
      const poseAlone = scene({ persons: [standingPerson(), smallPersonAt(0.78, 0.15)] })
      expect(findPeople(poseAlone)).toHaveLength(1)
      const tooFewKeypoints = smallPersonAt(0.78, 0.15)
      for (const name of KEYPOINT_NAMES.slice(5)) tooFewKeypoints.keypoints[name].score = 0.1
      const faint = scene({
        persons: [standingPerson(), tooFewKeypoints],
        objects: [subject, detected('person', 0.19, SMALL_BOX(0.78))],
      })
      expect(findPeople(faint)).toHaveLength(1)
    })

    it('a weak pose over the subject’s own keypoints is the subject read again', () => {
      // The box reaches past the subject's (75% of it inside), so only the pose overlap decides.
      const again = scene({
        persons: [standingPerson(), { ...standingPerson(), score: 0.15 }],
        objects: [subject, detected('person', 0.2, box(0.2, 0.05, 0.6, 0.95))],
      })
      expect(findPeople(again)).toHaveLength(1)
    })

    it('a weak box mostly inside the subject’s is the subject seen twice, whatever pose it holds', () => {
      // The small pose lies apart from the subject's keypoints, but its box is inside theirs.
      const inside = scene({
        persons: [standingPerson(), smallPersonAt(0.4, 0.15)],
        objects: [subject, detected('person', 0.2, SMALL_BOX(0.4))],
      })
      expect(findPeople(inside)).toHaveLength(1)
    })

    it('with no strong box, a weak box and its pose are the one person (someone behind an instrument)', () => {
      const hidden = scene({
        persons: [smallPersonAt(0.4, 0.15)],
        objects: [detected('person', 0.2, SMALL_BOX(0.4))],
      })
      const people = findPeople(hidden)
      expect(people).toHaveLength(1)
      expect(people[0]?.pose).toBeDefined()
    })
  })
})

describe('facesApart', () => {
  /** BlazeFace on the standing person's own face (its head at x 0.44–0.56, y 0.07–0.16). */
  const own = { box: box(0.45, 0.07, 0.55, 0.16), score: 0.9 }
  /** A smaller face behind the subject, at the right edge. */
  const behind = { box: box(0.85, 0.2, 0.9, 0.25), score: 0.3 }
  const subject = detected('person', 0.8, PERSON_BOX)
  /** MoveNet's reading of the person behind: only the face keypoints, around (0.875, 0.225). */
  function faceOnly(x: number, y: number): Person {
    const keypoints = {} as Record<KeypointName, Keypoint>
    for (const name of KEYPOINT_NAMES) keypoints[name] = { x, y, score: 0.05 }
    keypoints.nose = { x, y, score: 0.4 }
    keypoints.leftEye = { x: x + 0.01, y: y - 0.01, score: 0.4 }
    keypoints.rightEye = { x: x - 0.01, y: y - 0.01, score: 0.4 }
    return { score: 0.12, keypoints }
  }

  it('counts a face behind the subject that a weak person box holds (a blurred passer-by)', () => {
    const observation = scene({
      objects: [subject, detected('person', 0.17, box(0.8, 0.18, 0.95, 0.6))],
      faces: [own, behind],
    })
    expect(findPeople(observation)).toHaveLength(2)
    expect(findPeople(observation)[1]).toMatchObject({ source: 'face', box: behind.box })
    expect(judge(observation)).toMatchObject({
      status: 'reject',
      code: 'InvalidFile.Content',
      evidence: { people: [{ source: 'detector' }, { source: 'face' }] },
    })
  })

  it('counts one that someone else’s MoveNet face keypoints agree with', () => {
    const observation = scene({
      persons: [standingPerson(), faceOnly(0.875, 0.225)],
      faces: [own, behind],
    })
    expect(findPeople(observation)).toHaveLength(2)
  })

  it('a box mostly inside the subject’s is someone else’s signal (one person overlapping another)', () => {
    // 83% of this box lies inside the subject's, but it is no box around them (IoU 0.1).
    const overlapping = detected('person', 0.17, box(0.62, 0.3, 0.74, 0.7))
    const face = { box: box(0.722, 0.34, 0.738, 0.36), score: 0.3 }
    expect(findPeople(scene({ objects: [subject, overlapping], faces: [own, face] }))).toHaveLength(
      2,
    )
  })

  it('a face alone, a face larger than the subject’s, or no face of the subject’s counts nobody', () => {
    const weakBox = detected('person', 0.17, box(0.8, 0.18, 0.95, 0.6))
    expect(findPeople(scene({ faces: [own, behind] }))).toHaveLength(1)
    const large = { box: box(0.75, 0.2, 0.95, 0.4), score: 0.5 }
    expect(findPeople(scene({ objects: [subject, weakBox], faces: [own, large] }))).toHaveLength(1)
    expect(findPeople(scene({ objects: [subject, weakBox], faces: [behind] }))).toHaveLength(1)
    // Nobody counted yet: no subject whose face to compare with.
    expect(facesApart(scene({ objects: [weakBox], faces: [own, behind] }), [])).toEqual([])
  })

  it('the subject’s own keypoints or boxes over the subject are not a second signal', () => {
    // A tight box under the subject's chin line, and a phantom face just above the head: the
    // subject's own nose is at it, and a weak box over the whole subject holds it.
    const tight = detected('person', 0.8, box(0.3, 0.11, 0.72, 0.95))
    const phantom = { box: box(0.46, 0.01, 0.54, 0.09), score: 0.3 }
    const over = detected('person', 0.2, box(0.31, 0.0, 0.73, 0.9))
    const observation = scene({ objects: [tight, over], faces: [own, phantom] })
    expect(findPeople(observation)).toHaveLength(1)
    // Someone else's box there would count it: the exclusion is what keeps it out.
    const apart = detected('person', 0.2, box(0.4, 0.0, 0.6, 0.1))
    expect(findPeople(scene({ objects: [tight, apart], faces: [own, phantom] }))).toHaveLength(2)
  })
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

describe('lyingDown', () => {
  it('a person box or a pose found only on the turned photo lies down; an upright one does not', () => {
    const lies = {
      code: 'InvalidFile.BodyPose',
      message: 'The person seems to lie down; stand upright, facing the camera.',
    }
    expect(lyingDown({ box: PERSON_BOX, score: 0.35, source: 'detector', turned: true })).toEqual(
      lies,
    )
    const turnedPose = unturn(person(), false)
    expect(lyingDown({ box: PERSON_BOX, score: 0.8, source: 'pose', pose: turnedPose })).toEqual(
      lies,
    )
    expect(
      lyingDown({ box: PERSON_BOX, score: 0.8, source: 'detector', pose: person() }),
    ).toBeUndefined()
    expect(lyingDown(undefined)).toBeUndefined()
  })

  it('a person box found only on the turned photo is someone lying down: BodyPose', () => {
    const lying = { ...detected('person', 0.35, box(0.05, 0.3, 0.95, 0.7)), turned: true as const }
    const observation = scene({ persons: [], objects: [lying], face: face({}, 0.1) })
    expect(findPeople(observation)).toMatchObject([{ turned: true }])
    expect(judge(observation)).toMatchObject({
      code: 'InvalidFile.BodyPose',
      evidence: { rule: 'lyingDown' },
      message: expect.stringMatching(/lie down/) as unknown,
    })
    // The same box upright is a person standing, judged on the rest.
    const upright = detected('person', 0.35, box(0.05, 0.3, 0.95, 0.7))
    expect(judge(scene({ objects: [upright] })).evidence?.rule).not.toBe('lyingDown')
  })

  it('counts a person found lying across the frame by their length, and rejects the pose', () => {
    // Standing in the turned photo; upright, the body lies across a wide, short frame.
    const lying = unturn(person(), false)
    const observation = scene({ persons: [lying], objects: [], face: face({}, 0.1) })
    expect(findPeople(observation)).toHaveLength(1)
    expect(judge(observation)).toMatchObject({
      status: 'reject',
      code: 'InvalidFile.BodyPose',
      evidence: { rule: 'lyingDown' },
    })
  })
})
