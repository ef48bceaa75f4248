import type { Detection, Evidence } from '../../types.js'
import type { DetectedObject } from '../objects.js'
import type { Observation } from '../observation.js'
import { THRESHOLDS } from '../thresholds.js'
import { BODY_RULES, bodystyleOf, shoulderRatio } from './body.js'
import {
  FACE_RULES,
  faceCover,
  faceCropped,
  faceNotFound,
  handOverFace,
  headOf,
  headPoseOff,
} from './face.js'
import { Body, round, toBox, type Finding, type Thresholds } from './geometry.js'
import { addDrawnEvidence } from './drawn.js'
import { lightOn, tooDark } from './light.js'
import { behindTable, heldObjects, holdingObject } from './objects.js'
import { countPeople, findPeople, lyingDown } from './people.js'

const objectEvidence = (o: DetectedObject) => ({
  label: o.label,
  score: round(o.score),
  box: toBox(o.box),
})

/**
 * The verdict, with the service's codes, checked in its order: person count, then body pose, then
 * face pose, then light; with the evidence it rests on. Pure.
 */
export function judge(observation: Observation, limits: Thresholds = THRESHOLDS): Detection {
  const people = findPeople(observation, limits)
  const evidence: Evidence = {
    rule: 'pass',
    people: people.map((p) => ({ box: toBox(p.box), score: round(p.score), source: p.source })),
    objects: [],
  }
  const head = headOf(observation, limits)
  if (head !== undefined) {
    const { yaw, pitch, roll } = head.reading.pose
    evidence.head = {
      yaw: round(yaw, 1),
      pitch: round(pitch, 1),
      roll: round(roll, 1),
      faceScore: round(head.reading.score),
    }
  }
  addDrawnEvidence(evidence, people, head, limits)
  // A pose-only observation (no detector ran) has no evidence worth showing.
  const explain = observation.objects !== undefined
  const reject = (rule: string, finding: Finding): Detection => {
    evidence.rule = rule
    return explain ? { status: 'reject', ...finding, evidence } : { status: 'reject', ...finding }
  }
  const counted = countPeople(people)
  if (counted !== undefined) return reject('countPeople', counted)
  const subject = people[0]
  const lying = lyingDown(subject)
  if (lying !== undefined) return reject('lyingDown', lying)
  const person = subject?.pose
  const body = person ? new Body(person, observation.width, observation.height, limits) : undefined
  if (body !== undefined && body.visible('leftHip', 'rightHip'))
    evidence.shoulderRatio = round(shoulderRatio(body))
  const held = heldObjects(observation.objects ?? [], subject, body, limits)
  evidence.objects = held.map(objectEvidence)
  if (body !== undefined) {
    for (const rule of BODY_RULES) {
      const finding = rule(body, head)
      if (finding !== undefined) return reject(rule.name, finding)
    }
  }
  const holding = holdingObject(held)
  if (holding !== undefined) return reject('holdingObject', holding)
  const seated = behindTable(observation.objects ?? [], body)
  if (seated !== undefined) return reject('behindTable', seated)
  if (observation.face === undefined) {
    if (body !== undefined) {
      for (const rule of FACE_RULES) {
        const finding = rule(body)
        if (finding !== undefined) return reject(rule.name, finding)
      }
    }
  } else {
    const cover = head && faceCover(head, observation.objects ?? [], limits)
    const checks: [string, () => Finding | undefined][] = [
      ['faceCropped', () => faceCropped(head, limits)],
      ['handOverFace', () => handOverFace(head, body)],
      ['faceNotFound', () => faceNotFound(head, limits, cover)],
      ['headPoseOff', () => headPoseOff(head, limits)],
    ]
    for (const [name, check] of checks) {
      const finding = check()
      if (finding === undefined) continue
      if (name === 'faceNotFound' && cover !== undefined && !held.includes(cover))
        evidence.objects.push(objectEvidence(cover))
      return reject(name, finding)
    }
  }
  if (body === undefined) {
    return reject('bodyNotSeen', {
      code: 'InvalidFile.BodyPose',
      message: 'The body is not visible enough to check the pose: show at least head to waist.',
    })
  }
  const light = lightOn(observation, subject, head, limits)
  const dark = tooDark(light, limits)
  if (dark !== undefined) return reject('tooDark', dark)
  const bodystyle = bodystyleOf(body)
  return explain ? { status: 'pass', bodystyle, evidence } : { status: 'pass', bodystyle }
}
