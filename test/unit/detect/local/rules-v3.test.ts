import { describe, expect, it } from 'vitest'
import {
  HEIGHT,
  PERSON_BOX,
  STANDING,
  WIDTH,
  box,
  detected,
  face,
  scene,
  standingPerson,
} from './people.js'
import type { FaceReading } from '../../../../src/detect/local/face.js'
import {
  lumaGrid,
  quarterTurn,
  unturn,
  unturnBox,
  type LumaGrid,
} from '../../../../src/detect/local/observe.js'
import {
  KEYPOINT_NAMES,
  type Keypoint,
  type KeypointName,
  type Person,
} from '../../../../src/detect/local/pose.js'
import {
  Body,
  behindTable,
  crouching,
  facesApart,
  findPeople,
  headLooksAway,
  headOf,
  heldObjects,
  judge,
  lightOn,
  lumaIn,
  shouldersMissing,
  sitting,
  tooDark,
  type Head,
  type PersonFound,
} from '../../../../src/detect/local/rules.js'

type Change = [number, number] | { score: number; at?: [number, number] }
function person(changes: Partial<Record<KeypointName, Change>> = {}): Person {
  const keypoints = {} as Record<KeypointName, Keypoint>
  for (const name of KEYPOINT_NAMES) {
    const change = changes[name]
    const [x, y] = Array.isArray(change) ? change : (change?.at ?? STANDING[name])
    const score = Array.isArray(change) || change === undefined ? 0.8 : change.score
    keypoints[name] = { x: x / WIDTH, y: y / HEIGHT, score }
  }
  return { score: 0.8, keypoints }
}
const body = (p: Person) => new Body(p, WIDTH, HEIGHT)
const head = (reading: FaceReading): Head => ({ reading, outside: 0 })
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

/** Seated behind a table: hips in the frame, knees hidden, MoveNet's guess for them at hip level. */
const SEATED_BEHIND_TABLE = person({
  leftKnee: { score: 0.1, at: [380, 500] },
  rightKnee: { score: 0.1, at: [220, 500] },
  leftAnkle: { score: 0.05, at: [360, 560] },
  rightAnkle: { score: 0.05, at: [240, 560] },
})

describe('sitting', () => {
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

  it('reads a turned head from the pose keypoints when FaceMesh has no reading', () => {
    expect(headLooksAway(body(person({ nose: [320, 120] })), undefined)).toBe(true)
    expect(headLooksAway(body(person()), undefined)).toBe(false)
    expect(headLooksAway(body(person()), head(face({ yaw: 35 })))).toBe(true)
  })
})

describe('held objects', () => {
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

describe('light on the person', () => {
  it('averages the grid over a box, weighting cells by cover', () => {
    const g = grid(10, { luma: 110, cells: [0, 0, 4, 9] })
    expect(lumaIn(g, box(0, 0, 0.5, 1))).toBeCloseTo(110)
    expect(lumaIn(g, box(0.4, 0, 0.6, 1))).toBeCloseTo(60)
    expect(lumaIn(g, box(2, 2, 3, 3))).toBeUndefined()
  })

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

  it('takes the subject’s face from BlazeFace only where it is sure, nearest the head’s centre', () => {
    const reading = face() // its square: x 0.4–0.6, y 0.05–0.17
    const own = { box: box(0.45, 0.07, 0.55, 0.16), score: 0.9 }
    const held = { box: box(0.52, 0.1, 0.6, 0.17), score: 0.95 }
    expect(headOf({ face: reading, faces: [held, own] })?.face).toEqual(own.box)
    expect(headOf({ face: reading, faces: [{ ...own, score: 0.3 }] })?.face).toBeUndefined()
    expect(headOf({ face: reading, faces: [] })?.face).toBeUndefined()
  })

  it('reads the body box without a face, and the frame without a grid', () => {
    const subject: PersonFound = { box: PERSON_BOX, score: 0.8, source: 'detector' }
    const onBody = lightOn({ luma: grid(90), meanLuma: 20 }, subject, head(face({}, 0.1)))
    expect(onBody.on).toBe('body')
    expect(onBody.luma).toBeCloseTo(90)
    expect(lightOn({ meanLuma: 20 }, subject, undefined)).toEqual({ luma: 20, on: 'frame' })
    expect(tooDark({ luma: 20, on: 'frame' })?.message).toMatch(/on the photo/)
  })

  it('builds the grid from a working image', () => {
    const width = 4
    const height = 2
    const rgb = new Int32Array(width * height * 3)
    // Left half white, right half black.
    for (let y = 0; y < height; y++)
      for (let x = 0; x < 2; x++) rgb.fill(255, (y * width + x) * 3, (y * width + x) * 3 + 3)
    expect(lumaGrid({ rgb, width, height, meanLuma: 0 }, 2)).toEqual({
      columns: 2,
      rows: 2,
      values: [255, 0, 255, 0],
    })
  })
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

describe('a second look for a person lying down', () => {
  it('turns an image a quarter and puts found keypoints back upright', () => {
    // 3×2 image, pixel value = its index, so where each lands is visible.
    const rgb = new Int32Array(3 * 2 * 3)
    for (let i = 0; i < 6; i++) rgb.fill(i, i * 3, i * 3 + 3)
    const clockwise = quarterTurn({ rgb, width: 3, height: 2, meanLuma: 0 }, true)
    expect([clockwise.width, clockwise.height]).toEqual([2, 3])
    // Upright rows [0 1 2] [3 4 5] turned clockwise: [3 0] [4 1] [5 2].
    expect([...clockwise.rgb].filter((_, i) => i % 3 === 0)).toEqual([3, 0, 4, 1, 5, 2])
    const anticlockwise = quarterTurn({ rgb, width: 3, height: 2, meanLuma: 0 }, false)
    expect([...anticlockwise.rgb].filter((_, i) => i % 3 === 0)).toEqual([2, 5, 1, 4, 0, 3])
    // The turned image's top-left corner is the upright bottom-left (clockwise).
    const found = unturn(person(), true)
    expect(found.turned).toBe(true)
    const nose = person().keypoints.nose
    expect(found.keypoints.nose.x).toBeCloseTo(nose.y)
    expect(found.keypoints.nose.y).toBeCloseTo(1 - nose.x)
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

  it('puts a box found on the turned photo back upright, as it does keypoints', () => {
    const turnedBox = box(0.1, 0.2, 0.4, 0.9)
    for (const clockwise of [true, false]) {
      const corners = [
        { x: 0.1, y: 0.2 },
        { x: 0.4, y: 0.9 },
      ].map((p) => {
        const keypoints = {} as Record<KeypointName, Keypoint>
        for (const name of KEYPOINT_NAMES) keypoints[name] = { ...p, score: 1 }
        return unturn({ score: 1, keypoints }, clockwise).keypoints.nose
      })
      const upright = unturnBox(turnedBox, clockwise)
      const xs = corners.map((c) => c.x).sort((a, b) => a - b)
      const ys = corners.map((c) => c.y).sort((a, b) => a - b)
      expect([upright.left, upright.right]).toEqual(xs)
      expect([upright.top, upright.bottom]).toEqual(ys)
    }
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

describe('faces found apart from the subject', () => {
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

describe('seated behind a table', () => {
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
