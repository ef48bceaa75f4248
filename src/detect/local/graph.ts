import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter'
// The wasm backend registers itself on import.
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'
import type { WorkingImage } from './pixels.js'

/** A working image as the models take it: float32 RGB `[H, W, 3]`, values 0–255. */
export const imageTensor = (image: WorkingImage): tf.Tensor3D =>
  tf.tensor3d(new Float32Array(image.rgb), [image.height, image.width, 3])

/** Reads a TF.js graph model from a folder: the model ships in the bundle, nothing is fetched. */
export async function readModel(folder: string, name: string): Promise<tf.io.ModelArtifacts> {
  const json = JSON.parse(await readFile(join(folder, `${name}.json`), 'utf8')) as tf.io.ModelJSON
  return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
    const shards = await Promise.all(
      manifest.flatMap((group) => group.paths.map((path) => readFile(join(folder, path)))),
    )
    const weights = Buffer.concat(shards)
    const data = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength)
    return [manifest.flatMap((group) => group.weights), data]
  })
}

/** Makes the WebAssembly backend the one in use (once per process; later calls return at once). */
export async function useWasmBackend(wasmFolder: string): Promise<void> {
  if (tf.getBackend() === 'wasm') return
  setWasmPaths(`${wasmFolder}/`)
  // The backend's Emscripten loader reads `__dirname`, which an ESM bundle lacks. It is only a
  // fallback base path (the backend is given the real file paths above), so its folder will do.
  const scope = globalThis as { __dirname?: string }
  scope.__dirname ??= wasmFolder
  await tf.setBackend('wasm')
  await tf.ready()
}

/** Loads a graph model; `adapt` may rewrite its artifacts first (see `centerNetAtSize`). */
export async function loadGraph(
  folder: string,
  name: string,
  adapt: (artifacts: tf.io.ModelArtifacts) => tf.io.ModelArtifacts = (artifacts) => artifacts,
): Promise<GraphModel> {
  const artifacts = adapt(await readModel(folder, name))
  return loadGraphModel({ load: () => Promise.resolve(artifacts) })
}
