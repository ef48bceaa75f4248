import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { locateAssets } from '../../../../src/detect/local/assets.js'
import { ImageDecoder } from '../../../../src/detect/local/decode.js'
import { readModel, useWasmBackend } from '../../../../src/detect/local/graph.js'
import { centerNetAtSize, ObjectModel } from '../../../../src/detect/local/objects.js'
import { observeInput } from '../../../../src/detect/local/observe.js'
import { ROOT } from '../../../e2e/harness.js'

const MODELS = join(ROOT, 'models')
const SIZE_CONSTANTS = [
  'tower_0/CenternetHead/c5_upsample/up_sampling2d/mul',
  'tower_0/CenternetHead/c4_upsample/up_sampling2d_1/mul',
  'tower_0/CenternetHead/c3_upsample/up_sampling2d_2/mul',
  'tower_0/strided_slice_6',
  'tower_0/BatchGather/concat',
]

/** Each weight's values, by name, as TF.js itself reads them from the artifacts. */
function weightValues(artifacts: tf.io.ModelArtifacts): Map<string, number[]> {
  const tensors = tf.io.decodeWeights(artifacts.weightData ?? [], artifacts.weightSpecs ?? [])
  const values = new Map<string, number[]>()
  for (const [name, tensor] of Object.entries(tensors)) {
    values.set(name, Array.from(tensor.dataSync() as ArrayLike<number>))
    tensor.dispose()
  }
  return values
}

type Topology = { node: { name: string; op: string; attr?: Record<string, unknown> }[] }
const inputDims = (artifacts: tf.io.ModelArtifacts) =>
  (
    (artifacts.modelTopology as Topology).node.find((n) => n.op === 'Placeholder')?.attr as {
      shape: { shape: { dim: { size: string }[] } }
    }
  ).shape.shape.dim.map((d) => Number(d.size))

describe('centerNetAtSize', () => {
  let original: tf.io.ModelArtifacts
  beforeAll(async () => {
    await useWasmBackend(locateAssets(ROOT).tfjsWasm)
    original = await readModel(MODELS, 'centernet')
  })

  it('rewrites the input shape and the size-bound constants, and nothing else', () => {
    const before = new Uint8Array((original.weightData as ArrayBuffer).slice(0))
    const resized = centerNetAtSize(original, 384)
    expect(inputDims(resized)).toEqual([1, 384, 384, 3])
    expect(inputDims(original)).toEqual([1, 512, 512, 3])
    const weights = weightValues(resized)
    expect(SIZE_CONSTANTS.map((name) => weights.get(name))).toEqual([
      [24, 24],
      [48, 48],
      [96, 96],
      [96],
      [9216, 4],
    ])
    const untouched = weightValues(original)
    expect([...weights.keys()]).toEqual([...untouched.keys()])
    for (const [name, values] of weights) {
      if (SIZE_CONSTANTS.includes(name)) continue
      expect(values, name).toEqual(untouched.get(name))
    }
    // The artifacts it was given are left as they were.
    expect(Buffer.from(original.weightData as ArrayBuffer).equals(Buffer.from(before))).toBe(true)
  })

  it('gives back the same model at 512', () => {
    const same = centerNetAtSize(original, 512)
    expect(
      Buffer.from(same.weightData as ArrayBuffer).equals(
        Buffer.from(original.weightData as ArrayBuffer),
      ),
    ).toBe(true)
  })

  it('refuses a size that is not a multiple of 32', () => {
    expect(() => centerNetAtSize(original, 400)).toThrow(/multiple of 32/)
    expect(() => centerNetAtSize(original, 0)).toThrow(/multiple of 32/)
  })

  it('refuses a model whose constants are not the expected ones', () => {
    const specs = (original.weightSpecs ?? []).filter((s) => s.name !== SIZE_CONSTANTS[3])
    expect(() => centerNetAtSize({ ...original, weightSpecs: specs }, 384)).toThrow(
      /not the expected one|lacks/,
    )
    // Already rewritten: its constants hold 384 px values, not the converted 512 px ones.
    expect(() => centerNetAtSize(centerNetAtSize(original, 384), 384)).toThrow(
      /not the expected one/,
    )
  })

  it('finds the person in a photo at the rewritten size as at 512', async () => {
    const decoder = new ImageDecoder(locateAssets(ROOT))
    const bytes = new Uint8Array(await readFile(join(ROOT, 'test/fixtures/photos/full-body.jpg')))
    const { detail } = observeInput(await decoder.decode(bytes, 'jpeg'))
    const image = tf.tensor3d(new Float32Array(detail.rgb), [detail.height, detail.width, 3])
    const people = async (size: number) => {
      const model = await ObjectModel.load(MODELS, size)
      return (await model.detect(image, 0.25, 0.5)).filter((o) => o.label === 'person')
    }
    const [small, large] = [await people(384), await people(512)]
    image.dispose()
    expect(small).toHaveLength(1)
    expect(large).toHaveLength(1)
    const [a, b] = [small[0]?.box, large[0]?.box]
    for (const side of ['left', 'top', 'right', 'bottom'] as const)
      expect(Math.abs((a?.[side] ?? 0) - (b?.[side] ?? 1))).toBeLessThan(0.05)
  }, 30_000)
})
