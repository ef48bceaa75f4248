import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { locateAssets } from '../../../../src/detect/local/assets.js'
import { ImageDecoder } from '../../../../src/detect/local/decode.js'
import { FaceFinder } from '../../../../src/detect/local/faces.js'
import { useWasmBackend } from '../../../../src/detect/local/graph.js'
import { observeInput } from '../../../../src/detect/local/observe.js'
import { OBSERVE_LIMITS } from '../../../../src/detect/local/thresholds.js'
import { ROOT } from '../../../e2e/harness.js'

const assets = locateAssets(ROOT)
let finder: FaceFinder
let decoder: ImageDecoder
beforeAll(async () => {
  await useWasmBackend(assets.tfjsWasm)
  finder = await FaceFinder.load(assets.models)
  decoder = new ImageDecoder(assets)
  await decoder.init()
}, 30_000)

async function facesIn(name: string) {
  const bytes = new Uint8Array(await readFile(join(ROOT, 'test/fixtures', name)))
  const { small } = observeInput(await decoder.decode(bytes, 'jpeg'))
  return finder.find(small, OBSERVE_LIMITS.minFoundFaceScore, OBSERVE_LIMITS.maxFaceOverlap)
}

describe('FaceFinder (BlazeFace back-camera model) on real photos', () => {
  it('finds the one face of a waist-up portrait, at the head', async () => {
    const faces = await facesIn('photos/half-body.jpg')
    const best = faces[0]
    expect(best?.score).toBeGreaterThan(0.5)
    expect(faces.filter((f) => f.score >= 0.5)).toHaveLength(1)
    const x = ((best?.box.left ?? 0) + (best?.box.right ?? 0)) / 2
    const y = ((best?.box.top ?? 0) + (best?.box.bottom ?? 0)) / 2
    expect(x).toBeGreaterThan(0.25)
    expect(x).toBeLessThan(0.75)
    expect(y).toBeLessThan(0.5)
  })

  it('finds several faces in a group photo', async () => {
    expect((await facesIn('rules/group-photo.jpg')).length).toBeGreaterThan(3)
  })

  it('finds none in a photo without people', async () => {
    expect((await facesIn('photos/no-person.jpg')).filter((f) => f.score >= 0.5)).toEqual([])
  })
})
