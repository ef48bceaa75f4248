import { readFile } from 'node:fs/promises'
import { init as initJpeg, default as decodeJpegWasm } from '@jsquash/jpeg/decode.js'
import { init as initPng, decode as decodePng } from '@jsquash/png/decode.js'
import { init as initWebp, default as decodeWebp } from '@jsquash/webp/decode.js'
import type { AssetPaths } from './assets.js'
import { decodeBmp } from './bmp.js'
import {
  walkJpeg,
  walkPng,
  walkWebp,
  type Container,
  type JpegContainer,
  type JpegFrame,
} from './container.js'
import { decodeJpeg } from './jpeg.js'
import { exifOrientation, orient } from './orientation.js'
import type { Pixels, WorkingImage } from './pixels.js'
import type { ImageFormat } from './precheck.js'
import { LIMITS } from './thresholds.js'
import { errorMessage } from '../../core/errors.js'

export type { Pixels, WorkingImage } from './pixels.js'

/** The file cannot be shown as an image; `message` says why, for the rejection. */
export class UndecodableError extends Error {
  override name = 'UndecodableError'
}

/** libjpeg warnings that mean pixels are missing or made up; others (such as junk between segments) are harmless. */
const DAMAGE = /Premature end of JPEG file|Corrupt JPEG data(?!: \d+ extraneous bytes)/

/** At most this many decoder messages are kept per image: a damaged file can repeat one thousands of times. */
const KEPT_MESSAGES = 8

type Print = (text: string) => void
/** decode.js takes the compiled module and Emscripten overrides; the published types omit that form. */
type EmscriptenInit = (
  module: WebAssembly.Module,
  overrides: { print: Print; printErr: Print },
) => Promise<void>

/**
 * What the Emscripten decoders print while decoding one image. The codec packages hold one module
 * instance per thread, so this sink is per thread too (a worker decodes one image at a time).
 */
let printed: string[] = []
const capture: Print = (text) => {
  if (printed.length < KEPT_MESSAGES) printed.push(text.trim())
}
let codecs: Promise<{ jpeg: WebAssembly.Module; webp: WebAssembly.Module }> | undefined

/** A fresh instance: one that threw out of `exit()` may hold leaked or half-updated memory. */
async function instantiate(module: WebAssembly.Module, codec: 'jpeg' | 'webp'): Promise<void> {
  const init = (codec === 'jpeg' ? initJpeg : initWebp) as unknown as EmscriptenInit
  await init(module, { print: capture, printErr: capture })
}

/**
 * Decoders are WebAssembly (JPEG, PNG, WEBP) or TypeScript (BMP, and JPEG with four components);
 * nothing native, nothing downloaded. Every image comes out as a viewer shows it: EXIF orientation
 * applied, a file cut short refused. The Emscripten decoders' printed messages are captured per
 * image, never written to the process's stderr.
 */
export class ImageDecoder {
  constructor(private readonly assets: AssetPaths) {}

  async init(): Promise<void> {
    codecs ??= (async () => {
      const compile = async (path: string) => WebAssembly.compile(await readFile(path))
      const [jpeg, webp, png] = await Promise.all([
        compile(this.assets.jpegWasm),
        compile(this.assets.webpWasm),
        compile(this.assets.pngWasm),
      ])
      await Promise.all([instantiate(jpeg, 'jpeg'), instantiate(webp, 'webp'), initPng(png)])
      return { jpeg, webp }
    })()
    await codecs
  }

  /** The pixels as a viewer shows them; throws `UndecodableError` for files no viewer would show whole. */
  async decode(bytes: Uint8Array, format: ImageFormat): Promise<Pixels> {
    await this.init()
    const jpeg = format === 'jpeg' ? walkJpeg(bytes) : undefined
    const container: Container | undefined =
      jpeg ?? (format === 'png' ? walkPng(bytes) : format === 'webp' ? walkWebp(bytes) : undefined)
    if (container?.problem !== undefined)
      throw new UndecodableError(`it is truncated or damaged: ${container.problem}`)
    const frame = jpeg === undefined ? undefined : allocatedFrame(jpeg)
    const pixels =
      format === 'bmp'
        ? guard(() => decodeBmp(bytes))
        : jpeg?.components === 4
          ? guard(() => decodeJpeg(bytes))
          : await this.wasm(bytes, format)
    if (frame !== undefined && (pixels.width !== frame.width || pixels.height !== frame.height))
      throw new UndecodableError(
        `the decoder read a ${pixels.width}×${pixels.height} frame where the file's frame header says ${frame.width}×${frame.height}`,
      )
    return orient(pixels, container?.exif === undefined ? 1 : exifOrientation(container.exif))
  }

  private async wasm(bytes: Uint8Array, format: 'jpeg' | 'png' | 'webp'): Promise<Pixels> {
    // The WebAssembly decoders take an ArrayBuffer; a view over a whole one (as workers get) is used as is.
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    const buffer =
      whole && bytes.buffer instanceof ArrayBuffer ? bytes.buffer : bytes.slice().buffer
    printed = []
    let image
    try {
      image =
        format === 'jpeg'
          ? await decodeJpegWasm(buffer)
          : format === 'png'
            ? await decodePng(buffer)
            : await decodeWebp(buffer)
    } catch (error) {
      const said = printed.length > 0 ? printed.join('; ') : errorMessage(error)
      if (format !== 'png' && codecs !== undefined)
        await instantiate((await codecs)[format], format)
      throw new UndecodableError(`the decoder failed (${said})`)
    }
    // WebAssembly memory only grows: after a large image a fresh instance gives it back.
    if (
      format !== 'png' &&
      codecs !== undefined &&
      image.width * image.height > LIMITS.codecReleasePixels
    )
      await instantiate((await codecs)[format], format)
    const damage = printed.filter((message) => DAMAGE.test(message))
    if (damage.length > 0)
      throw new UndecodableError(`it is truncated or damaged (${damage.join('; ')})`)
    if (image.width <= 0 || image.height <= 0)
      throw new UndecodableError('the decoder returned no image')
    return { data: image.data, width: image.width, height: image.height, channels: 4 }
  }
}

/**
 * The JPEG frame the decoder will allocate for, checked here too (the precheck does the same from
 * the same walk): the decoder's memory is bounded by the frame it reads, not by a header read by
 * another parser. Without a frame header the decoder refuses the file in its own words.
 */
function allocatedFrame(walk: JpegContainer): JpegFrame | undefined {
  const [frame] = walk.frames
  if (walk.frameCount > 1)
    throw new UndecodableError(`it has ${walk.frameCount} frame headers; a photo has one`)
  if (frame !== undefined && Math.max(frame.width, frame.height) >= LIMITS.maxLongestSide)
    throw new UndecodableError(
      `its frame is ${frame.width}×${frame.height}, over the ${LIMITS.maxLongestSide} px limit`,
    )
  return frame
}

function guard(decode: () => Pixels): Pixels {
  try {
    return decode()
  } catch (error) {
    throw new UndecodableError(errorMessage(error))
  }
}

/** The pixels as RGB, unscaled (the common case of a photo already within the working size). */
function copyToRgb({ data, width, height, channels }: Pixels): WorkingImage {
  const rgb = new Int32Array(width * height * 3)
  const green = channels < 3 ? 0 : 1
  const blue = channels < 3 ? 0 : 2
  let luma = 0
  for (let i = 0, source = 0, at = 0; i < width * height; i++, source += channels, at += 3) {
    const r = data[source] as number
    const g = data[source + green] as number
    const b = data[source + blue] as number
    rgb[at] = r
    rgb[at + 1] = g
    rgb[at + 2] = b
    luma += 0.299 * r + 0.587 * g + 0.114 * b
  }
  return { rgb, width, height, meanLuma: luma / (width * height) }
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
  if (outWidth === width && outHeight === height) return copyToRgb(pixels)
  // Hot loop (every source pixel): one output row's sums at a time (small enough to stay in
  // cache), each source column's target computed once.
  const columns = new Uint32Array(width)
  const perColumn = new Uint32Array(outWidth)
  for (let x = 0; x < width; x++) {
    const column = Math.min(outWidth - 1, Math.floor((x * outWidth) / width))
    columns[x] = column * 3
    perColumn[column] = (perColumn[column] as number) + 1
  }
  const green = channels < 3 ? 0 : 1
  const blue = channels < 3 ? 0 : 2
  const sums = new Uint32Array(outWidth * 3)
  const rgb = new Int32Array(outWidth * outHeight * 3)
  let luma = 0
  let y = 0
  for (let outY = 0; outY < outHeight; outY++) {
    sums.fill(0)
    let rows = 0
    for (
      ;
      y < height && (outY === outHeight - 1 || Math.floor((y * outHeight) / height) <= outY);
      y++
    ) {
      rows++
      let source = y * width * channels
      for (let x = 0; x < width; x++, source += channels) {
        const at = columns[x] as number
        sums[at] = (sums[at] as number) + (data[source] as number)
        sums[at + 1] = (sums[at + 1] as number) + (data[source + green] as number)
        sums[at + 2] = (sums[at + 2] as number) + (data[source + blue] as number)
      }
    }
    for (let x = 0, at = outY * outWidth * 3; x < outWidth; x++, at += 3) {
      const n = (perColumn[x] as number) * rows || 1
      const r = Math.round((sums[x * 3] as number) / n)
      const g = Math.round((sums[x * 3 + 1] as number) / n)
      const b = Math.round((sums[x * 3 + 2] as number) / n)
      rgb[at] = r
      rgb[at + 1] = g
      rgb[at + 2] = b
      luma += 0.299 * r + 0.587 * g + 0.114 * b
    }
  }
  return { rgb, width: outWidth, height: outHeight, meanLuma: luma / (outWidth * outHeight) }
}
