import { readFile } from 'node:fs/promises'
import { init as initJpegEncoder, default as encodeJpegWasm } from '@jsquash/jpeg/encode.js'
import { imageSize } from 'image-size'
import type { AssetPaths } from '../../detect/local/assets.js'
import { walkJpeg } from '../../detect/local/container.js'
import { ImageDecoder, toWorkingImage, type WorkingImage } from '../../detect/local/decode.js'
import { sniffFormat } from '../../detect/local/precheck.js'
import { LIMITS } from '../../detect/local/thresholds.js'
import { errorMessage } from '../../core/errors.js'
import { THUMBNAIL_DEFAULTS, type Thumbnail, type ThumbnailOptions } from './limits.js'

export { THUMBNAIL_DEFAULTS, type Thumbnail, type ThumbnailOptions }

/** Why a photo has no thumbnail (said on its card instead). */
export interface NoThumbnail {
  problem: string
}

/** encode.js takes the compiled module and Emscripten overrides; the published types omit that form. */
type EmscriptenInit = (
  module: WebAssembly.Module,
  overrides: { print: (text: string) => void; printErr: (text: string) => void },
) => Promise<void>

let encoderReady: Promise<void> | undefined
const quiet = (): void => undefined

/**
 * Thumbnails decoded exactly as the local detector decodes (the same decoders, EXIF orientation
 * applied, the same box filter), so that the detector's evidence, in fractions of the upright
 * image, lands on the thumbnail where the detector saw it. Images the detector would not decode
 * (unknown formats, huge dimensions, scan bombs, files over the size limit) are not decoded here
 * either. One image at a time; nothing is written to stdout (the encoder's messages are dropped).
 */
export class ThumbnailMaker {
  private readonly decoder: ImageDecoder

  constructor(
    private readonly assets: AssetPaths,
    private readonly options: ThumbnailOptions = THUMBNAIL_DEFAULTS,
  ) {
    this.decoder = new ImageDecoder(assets)
  }

  async make(bytes: Uint8Array): Promise<Thumbnail | NoThumbnail> {
    const format = decodableFormat(bytes)
    if (typeof format !== 'string') return format
    let upright
    try {
      upright = await this.decoder.decode(bytes, format)
    } catch (error) {
      return { problem: `the image cannot be decoded (${errorMessage(error)})` }
    }
    await this.encoderReady()
    const { maxSide, quality, maxBytes } = this.options
    // Lower quality first (cheap, keeps the size), then smaller sides, until it fits.
    for (const scale of [1, 0.75, 0.5]) {
      const small = toWorkingImage(upright, Math.max(16, Math.round(maxSide * scale)))
      for (const q of [quality, Math.min(quality, 50), Math.min(quality, 30)]) {
        const jpeg = new Uint8Array(await encodeJpegWasm(rgbaImage(small), { quality: q }))
        if (jpeg.length <= maxBytes) {
          return {
            src: `data:image/jpeg;base64,${Buffer.from(jpeg).toString('base64')}`,
            width: small.width,
            height: small.height,
            bytes: jpeg.length,
          }
        }
      }
    }
    return { problem: `no thumbnail fits in ${maxBytes} bytes` }
  }

  private encoderReady(): Promise<void> {
    encoderReady ??= (async () => {
      const module = await WebAssembly.compile(await readFile(this.assets.jpegEncoderWasm))
      await (initJpegEncoder as unknown as EmscriptenInit)(module, {
        print: quiet,
        printErr: quiet,
      })
    })()
    return encoderReady
  }
}

/**
 * The format when the detector's own bounds allow decoding: what `precheck` refuses undecoded is
 * refused here too, except a too-small image, which the gallery still shows.
 */
function decodableFormat(bytes: Uint8Array): 'jpeg' | 'png' | 'bmp' | 'webp' | NoThumbnail {
  if (bytes.length === 0) return { problem: 'the file is empty' }
  if (bytes.length > LIMITS.maxFileBytes) return { problem: 'the file is over the size limit' }
  const format = sniffFormat(bytes)
  if (format === undefined || format === 'gif' || format === 'tiff')
    return { problem: 'the file is not a JPEG, PNG, BMP or WEBP image' }
  let longest: number
  try {
    const { width, height } = imageSize(bytes)
    longest = Math.max(width, height)
    if (!(width > 0 && height > 0)) return { problem: 'the image header has no usable size' }
  } catch {
    return { problem: 'the image header is unreadable' }
  }
  if (longest >= LIMITS.maxLongestSide)
    return { problem: `it is ${longest} px on its longest side, too large to decode here` }
  if (format === 'jpeg' && walkJpeg(bytes).scans > LIMITS.maxJpegScans)
    return { problem: 'the JPEG file has too many scans to decode' }
  return format
}

/** The encoder's input: RGBA as ImageData. */
function rgbaImage(image: WorkingImage): ImageData {
  const { rgb, width, height } = image
  const data = new Uint8ClampedArray(width * height * 4)
  for (let i = 0, at = 0; i < width * height; i++, at += 3) {
    data[i * 4] = rgb[at] ?? 0
    data[i * 4 + 1] = rgb[at + 1] ?? 0
    data[i * 4 + 2] = rgb[at + 2] ?? 0
    data[i * 4 + 3] = 255
  }
  return { data, width, height, colorSpace: 'srgb' }
}
