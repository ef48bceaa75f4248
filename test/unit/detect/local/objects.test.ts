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

/** Each weight's bytes, by name, from one-buffer artifacts. */
function weightBytes(artifacts: tf.io.ModelArtifacts): Map<string, Uint8Array> {
  const data = artifacts.weightData as ArrayBuffer
  const bytes = new Map<string, Uint8Array>()
  let offset = 0
  for (const spec of artifacts.weightSpecs ?? []) {
    const count = spec.shape.reduce((a, b) => a * b, 1)
    const width = spec.quantization ? (spec.quantization.dtype === 'uint8' ? 1 : 2) : 4
    bytes.set(spec.name, new Uint8Array(data, offset, count * width))
    offset += count * width
  }
  expect(offset).toBe(data.byteLength)
  return bytes
}

const int32s = (bytes: Uint8Array | undefined) =>
  bytes === undefined
    ? []
    : [...new Int32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length))]

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
    original = await readModel(MODELS, 'centernet')
  })

  it('rewrites the input shape and the size-bound constants, and nothing else', () => {
    const before = new Uint8Array((original.weightData as ArrayBuffer).slice(0))
    const resized = centerNetAtSize(original, 384)
    expect(inputDims(resized)).toEqual([1, 384, 384, 3])
    expect(inputDims(original)).toEqual([1, 512, 512, 3])
    const weights = weightBytes(resized)
    expect(SIZE_CONSTANTS.map((name) => int32s(weights.get(name)))).toEqual([
      [24, 24],
      [48, 48],
      [96, 96],
      [96],
      [9216, 4],
    ])
    const untouched = weightBytes(original)
    for (const [name, bytes] of weights) {
      if (SIZE_CONSTANTS.includes(name)) continue
      expect(Buffer.from(bytes).equals(Buffer.from(untouched.get(name) ?? [])), name).toBe(true)
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
    const data = (original.weightData as ArrayBuffer).slice(0)
    const offset = [...weightBytes(original)].find(([name]) => name === SIZE_CONSTANTS[0])?.[1]
      .byteOffset
    new DataView(data).setInt32(offset ?? 0, 7, true)
    expect(() => centerNetAtSize({ ...original, weightData: data }, 384)).toThrow(
      /not the expected one/,
    )
  })

  it('finds the person in a photo at the rewritten size as at 512', async () => {
    const assets = locateAssets(ROOT)
    await useWasmBackend(assets.tfjsWasm)
    const decoder = new ImageDecoder(assets)
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
