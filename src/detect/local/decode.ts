import { readFile } from 'node:fs/promises'
import { decode as decodeBmp } from 'fast-bmp'
import { init as initJpeg, default as decodeJpeg } from '@jsquash/jpeg/decode.js'
import { init as initPng, decode as decodePng } from '@jsquash/png/decode.js'
import { init as initWebp, default as decodeWebp } from '@jsquash/webp/decode.js'
import type { AssetPaths } from './assets.js'
import type { ImageFormat } from './precheck.js'

/** Decoded pixels: `channels` bytes per pixel, row-major. */
export interface Pixels {
  data: Uint8Array | Uint8ClampedArray
  width: number
  height: number
  channels: number
}

/** The same photo small enough for the pose model: RGB as int32, plus its mean luma. */
export interface WorkingImage {
  rgb: Int32Array
  width: number
  height: number
  meanLuma: number
}

/** Decoders are WebAssembly (JPEG, PNG, WEBP) or plain JS (BMP); nothing native, nothing downloaded. */
export class ImageDecoder {
  private ready: Promise<void> | undefined

  constructor(private readonly assets: AssetPaths) {}

  init(): Promise<void> {
    this.ready ??= (async () => {
      const compile = async (path: string) => WebAssembly.compile(await readFile(path))
      const [jpeg, webp, png] = await Promise.all([
        compile(this.assets.jpegWasm),
        compile(this.assets.webpWasm),
        compile(this.assets.pngWasm),
      ])
      await Promise.all([initJpeg(jpeg), initWebp(webp), initPng(png)])
    })()
    return this.ready
  }

  async decode(bytes: Uint8Array, format: ImageFormat): Promise<Pixels> {
    await this.init()
    const buffer = bytes.buffer.slice(
      bytes.byteOffset,
      bytes.byteOffset + bytes.byteLength,
    ) as ArrayBuffer
    switch (format) {
      case 'jpeg':
        return fromImageData(await decodeJpeg(buffer))
      case 'png':
        return fromImageData(await decodePng(buffer))
      case 'webp':
        return fromImageData(await decodeWebp(buffer))
      case 'bmp': {
        const bmp = decodeBmp(bytes)
        if (bmp.bitsPerPixel < 8 || !(bmp.data instanceof Uint8Array)) {
          throw new Error(`unsupported BMP variant (${bmp.bitsPerPixel} bits per pixel)`)
        }
        return { data: bmp.data, width: bmp.width, height: bmp.height, channels: bmp.channels }
      }
    }
  }
}

function fromImageData(
  image: { data: Uint8ClampedArray; width: number; height: number } | null | undefined,
): Pixels {
  if (!image || image.width <= 0 || image.height <= 0)
    throw new Error('the decoder returned no image')
  return { data: image.data, width: image.width, height: image.height, channels: 4 }
}

/**
 * Box-filter downscale to at most `maxSide` on the longest side (never up), to RGB, with the mean
 * luma (Rec. 601) of the result. One pass over the source; pure.
 */
export function toWorkingImage(pixels: Pixels, maxSide: number): WorkingImage {
  const { data, width, height, channels } = pixels
  const scale = Math.min(1, maxSide / Math.max(width, height))
  const outWidth = Math.max(1, Math.round(width * scale))
  const outHeight = Math.max(1, Math.round(height * scale))
  const sums = new Float64Array(outWidth * outHeight * 3)
  const counts = new Uint32Array(outWidth * outHeight)
  const grey = channels < 3
  for (let y = 0; y < height; y++) {
    const row = Math.min(outHeight - 1, Math.floor((y * outHeight) / height)) * outWidth
    for (let x = 0; x < width; x++) {
      const target = row + Math.min(outWidth - 1, Math.floor((x * outWidth) / width))
      const source = (y * width + x) * channels
      const r = data[source] ?? 0
      const at = target * 3
      sums[at] = (sums[at] ?? 0) + r
      sums[at + 1] = (sums[at + 1] ?? 0) + (grey ? r : (data[source + 1] ?? 0))
      sums[at + 2] = (sums[at + 2] ?? 0) + (grey ? r : (data[source + 2] ?? 0))
      counts[target] = (counts[target] ?? 0) + 1
    }
  }
  const rgb = new Int32Array(outWidth * outHeight * 3)
  let luma = 0
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i] || 1
    const r = Math.round((sums[i * 3] ?? 0) / n)
    const g = Math.round((sums[i * 3 + 1] ?? 0) / n)
    const b = Math.round((sums[i * 3 + 2] ?? 0) / n)
    rgb[i * 3] = r
    rgb[i * 3 + 1] = g
    rgb[i * 3 + 2] = b
    luma += 0.299 * r + 0.587 * g + 0.114 * b
  }
  return { rgb, width: outWidth, height: outHeight, meanLuma: luma / counts.length }
}
