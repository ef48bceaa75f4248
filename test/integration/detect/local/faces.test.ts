import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { locateAssets } from '../../../../src/detect/local/assets.js'
import { ImageDecoder } from '../../../../src/detect/local/decode.js'
import { FaceFinder } from '../../../../src/detect/local/faces.js'
import { useWasmBackend } from '../../../../src/detect/local/graph.js'
import { observeInput } from '../../../../src/detect/local/observe.js'
import { PoseModel } from '../../../../src/detect/local/pose.js'
import { OBSERVE_LIMITS } from '../../../../src/detect/local/thresholds.js'
import { ROOT } from '../../../e2e/harness.js'

const assets = locateAssets(ROOT)
let finder: FaceFinder
let pose: PoseModel
let decoder: ImageDecoder
beforeAll(async () => {
  await useWasmBackend(assets.tfjsWasm)
  finder = await FaceFinder.load(assets.models)
  pose = await PoseModel.load(assets.models, assets.tfjsWasm)
  decoder = new ImageDecoder(assets)
  await decoder.init()
}, 30_000)

async function smallImage(name: string) {
  const bytes = new Uint8Array(await readFile(join(ROOT, 'test/fixtures', name)))
  return observeInput(await decoder.decode(bytes, 'jpeg')).small
}
async function facesIn(name: string) {
  const small = await smallImage(name)
  return finder.find(small, OBSERVE_LIMITS.minFoundFaceScore, OBSERVE_LIMITS.maxFaceOverlap)
}

describe('FaceFinder (BlazeFace back-camera model) on real photos', () => {
  it.each(['photos/half-body.jpg', 'photos/full-body.jpg'])(
    'finds the one face of %s where MoveNet puts the nose',
    async (name) => {
      const faces = await facesIn(name)
      const best = faces[0]
      expect(best?.score).toBeGreaterThan(0.5)
      expect(faces.filter((f) => f.score >= 0.5)).toHaveLength(1)
      const nose = (await pose.estimate(await smallImage(name)))[0]?.keypoints.nose
      expect(nose?.score).toBeGreaterThan(0.3)
      expect(nose?.x).toBeGreaterThan(best?.box.left ?? 1)
      expect(nose?.x).toBeLessThan(best?.box.right ?? 0)
      expect(nose?.y).toBeGreaterThan(best?.box.top ?? 1)
      expect(nose?.y).toBeLessThan(best?.box.bottom ?? 0)
    },
  )

  it('finds several faces in a group photo', async () => {
    expect((await facesIn('rules/group-photo.jpg')).length).toBeGreaterThan(3)
  })

  it('finds no face at the kept bar in a photo without people', async () => {
    expect(await facesIn('photos/no-person.jpg')).toEqual([])
  })

  it('keeps a face cut by the top of the frame inside the photo', async () => {
    const small = await smallImage('photos/half-body.jpg')
    const limits = [OBSERVE_LIMITS.minFoundFaceScore, OBSERVE_LIMITS.maxFaceOverlap] as const
    const [whole] = await finder.find(small, ...limits)
    // The same photo with its top cut through the face, a third of the way down it.
    const cut = Math.round(
      ((whole?.box.top ?? 0) + ((whole?.box.bottom ?? 0) - (whole?.box.top ?? 0)) / 3) *
        small.height,
    )
    const cropped = {
      ...small,
      height: small.height - cut,
      rgb: small.rgb.slice(cut * small.width * 3),
    }
    const faces = await finder.find(cropped, ...limits)
    expect(faces[0]?.box.top).toBe(0)
    for (const face of faces)
      for (const edge of Object.values(face.box)) {
        expect(edge).toBeGreaterThanOrEqual(0)
        expect(edge).toBeLessThanOrEqual(1)
      }
  })
})
