import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface AssetPaths {
  /** Folder with movenet-multipose.json and .bin. */
  models: string
  /** Folder with the tfjs-backend-wasm binaries. */
  tfjsWasm: string
  jpegWasm: string
  webpWasm: string
  pngWasm: string
  /** The JPEG encoder, for the gallery's thumbnails (the detector itself only decodes). */
  jpegEncoderWasm: string
}

/**
 * Where the model and the WebAssembly binaries are. The bundle finds them beside itself (the build
 * copies them into dist/, and a runner has nothing else); from source they come from the repository
 * and node_modules.
 */
export function locateAssets(from: string = dirname(fileURLToPath(import.meta.url))): AssetPaths {
  const bundled = join(from, 'wasm')
  if (existsSync(join(from, 'models', 'movenet-multipose.json')) && existsSync(bundled)) {
    return {
      models: join(from, 'models'),
      tfjsWasm: bundled,
      jpegWasm: join(bundled, 'mozjpeg_dec.wasm'),
      webpWasm: join(bundled, 'webp_dec.wasm'),
      pngWasm: join(bundled, 'squoosh_png_bg.wasm'),
      jpegEncoderWasm: join(bundled, 'mozjpeg_enc.wasm'),
    }
  }
  let root = resolve(from)
  while (!existsSync(join(root, 'models', 'movenet-multipose.json'))) {
    const parent = dirname(root)
    if (parent === root)
      throw new Error(`The local detector's model files are missing (looked beside ${from}).`)
    root = parent
  }
  const modules = join(root, 'node_modules')
  return {
    models: join(root, 'models'),
    tfjsWasm: join(modules, '@tensorflow/tfjs-backend-wasm/dist'),
    jpegWasm: join(modules, '@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm'),
    webpWasm: join(modules, '@jsquash/webp/codec/dec/webp_dec.wasm'),
    pngWasm: join(modules, '@jsquash/png/codec/pkg/squoosh_png_bg.wasm'),
    jpegEncoderWasm: join(modules, '@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm'),
  }
}
