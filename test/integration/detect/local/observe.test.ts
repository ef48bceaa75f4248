import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { locateAssets } from '../../../../src/detect/local/assets.js'
import { ImageDecoder } from '../../../../src/detect/local/decode.js'
import {
  findLying,
  loadModels,
  observeInput,
  quarterTurn,
  type Models,
} from '../../../../src/detect/local/observe.js'
import type { PoseModel } from '../../../../src/detect/local/pose.js'
import { ROOT } from '../../../e2e/harness.js'

const assets = locateAssets(ROOT)
let models: Models
let decoder: ImageDecoder
beforeAll(async () => {
  models = await loadModels(assets.models, assets.tfjsWasm)
  decoder = new ImageDecoder(assets)
  await decoder.init()
}, 30_000)

/** The standing sample photo turned a quarter anticlockwise: a person lying across the frame. */
async function lyingPhoto() {
  const bytes = new Uint8Array(await readFile(join(ROOT, 'test/fixtures/photos/full-body.jpg')))
  const { small, detail } = observeInput(await decoder.decode(bytes, 'jpeg'))
  return { small: quarterTurn(small, false), detail: quarterTurn(detail, false) }
}

describe('the second look for a person lying down', () => {
  it('finds them with MoveNet on the photo turned back, keypoints put back lying', async () => {
    const { small, detail } = await lyingPhoto()
    const found = await findLying(models, small, detail)
    expect(found.objects).toEqual([])
    const [person] = found.persons
    expect(person?.turned).toBe(true)
    // Lying across the frame: the head at one side, the ankles at the other.
    const { nose, leftAnkle } = person?.keypoints ?? {}
    expect(Math.abs((nose?.x ?? 0) - (leftAnkle?.x ?? 0))).toBeGreaterThan(0.5)
  })

  it('finds them with the person detector where MoveNet finds no one, the box put back lying', async () => {
    const { small, detail } = await lyingPhoto()
    const blind = { estimate: () => Promise.resolve([]) } as unknown as PoseModel
    const found = await findLying({ ...models, pose: blind }, small, detail)
    expect(found.persons).toEqual([])
    expect(found.objects.length).toBeGreaterThan(0)
    for (const { label, turned, box } of found.objects) {
      expect({ label, turned }).toEqual({ label: 'person', turned: true })
      expect((box.right - box.left) * detail.width).toBeGreaterThan(
        (box.bottom - box.top) * detail.height,
      )
    }
  })
})
