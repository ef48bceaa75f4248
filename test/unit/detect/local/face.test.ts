import { describe, expect, it } from 'vitest'
import { headPose, noseOffset } from '../../../../src/detect/local/face.js'

describe('headPose and noseOffset', () => {
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
})
