import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { locateAssets } from '../../../../src/detect/local/assets.js'
import { ImageDecoder } from '../../../../src/detect/local/decode.js'
import type { ObjectModel } from '../../../../src/detect/local/objects.js'
import {
  findLying,
  loadModels,
  observe,
  observeInput,
  quarterTurn,
  type Models,
} from '../../../../src/detect/local/observe.js'
import type { PoseModel } from '../../../../src/detect/local/pose.js'
import { judge } from '../../../../src/detect/local/rules.js'
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

  it('observe() looks again, turned, where no one is found upright, and holds no tensor after', async () => {
    const { small, detail } = await lyingPhoto()
    expect(detail.width).not.toBe(detail.height)
    // Neither model finds her upright (CenterNet does, on this photo: pretend it does not).
    const blind = { estimate: () => Promise.resolve([]) } as unknown as PoseModel
    const objects = {
      detect: (image: tf.Tensor3D, minScore: number, maxIou: number) =>
        image.shape[0] === detail.height && image.shape[1] === detail.width
          ? Promise.resolve([])
          : models.objects.detect(image, minScore, maxIou),
    } as unknown as ObjectModel
    const tensors = tf.memory().numTensors
    const observation = await observe({ ...models, pose: blind, objects }, { small, detail })
    expect(tf.memory().numTensors).toBe(tensors)
    expect(observation.objects?.some((o) => o.turned === true)).toBe(true)
    // No head square is read for a body found as a box alone: its top is not where the head is.
    expect(observation.face).toBeUndefined()
    expect(judge(observation)).toMatchObject({
      status: 'reject',
      code: 'InvalidFile.BodyPose',
      evidence: { rule: 'lyingDown' },
    })
  })
})
