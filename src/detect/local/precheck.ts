import { imageSize } from 'image-size'
import type { Detection } from '../types.js'
import { walkJpeg, type JpegContainer } from './container.js'
import { LIMITS } from './thresholds.js'

export type ImageFormat = 'jpeg' | 'png' | 'bmp' | 'webp'

export interface ImageHeader {
  format: ImageFormat
  width: number
  height: number
}

const ALLOWED = 'JPEG, JPG, PNG, BMP or WEBP'

/** The format from the magic bytes alone; file names and extensions are not trusted. */
export function sniffFormat(bytes: Uint8Array): ImageFormat | 'gif' | 'tiff' | undefined {
  const starts = (...magic: number[]) => magic.every((byte, i) => bytes[i] === byte)
  if (starts(0xff, 0xd8, 0xff)) return 'jpeg'
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png'
  if (starts(0x42, 0x4d)) return 'bmp'
  if (
    starts(0x52, 0x49, 0x46, 0x46) &&
    bytes[8] === 0x57 &&
    bytes[9] === 0x45 &&
    bytes[10] === 0x42 &&
    bytes[11] === 0x50
  )
    return 'webp'
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'gif'
  if (starts(0x49, 0x49, 0x2a, 0x00) || starts(0x4d, 0x4d, 0x00, 0x2a)) return 'tiff'
  return undefined
}

const reject = (code: string, message: string): Detection => ({ status: 'reject', code, message })

/** The answer for a file over the size limit, read or only stat'ed. */
export function sizeRejection(size: number): Detection {
  const mb = (size / 1024 / 1024).toFixed(1)
  return reject(
    'InvalidFile.Size',
    `The file is ${mb} MB; the limit is ${LIMITS.maxFileBytes / 1024 / 1024} MB.`,
  )
}

/**
 * Everything decidable from the bytes before any decoding: size, format and dimensions from the
 * header. A decompression bomb (huge dimensions in a small file) is refused here, never decoded.
 */
export function precheck(bytes: Uint8Array): ImageHeader | Detection {
  if (bytes.length === 0) return reject('InvalidURL', 'The file is empty.')
  if (bytes.length > LIMITS.maxFileBytes) return sizeRejection(bytes.length)
  const format = sniffFormat(bytes)
  if (format === undefined || format === 'gif' || format === 'tiff') {
    const found = format === undefined ? 'an unknown format' : format.toUpperCase()
    return reject('InvalidURL', `The file is ${found}; the format must be ${ALLOWED}.`)
  }
  const jpeg = format === 'jpeg' ? walkJpeg(bytes) : undefined
  const size = jpeg === undefined ? headerSize(bytes, format) : jpegSize(jpeg)
  if ('status' in size) return size
  const { width, height } = size
  if (!(width > 0 && height > 0)) {
    return reject('InvalidURL', `The ${format.toUpperCase()} header has no usable dimensions.`)
  }
  const longest = Math.max(width, height)
  const shortest = Math.min(width, height)
  if (longest >= LIMITS.maxLongestSide || shortest <= LIMITS.minShortestSide) {
    return reject(
      'InvalidFile.Resolution',
      `The image is ${width}×${height}: the longest side must be under ${LIMITS.maxLongestSide} px and the shortest over ${LIMITS.minShortestSide} px.`,
    )
  }
  // Each scan is a pass over the whole image: thousands of tiny repeated scans take seconds.
  if (jpeg !== undefined && jpeg.scans > LIMITS.maxJpegScans)
    return reject(
      'InvalidURL',
      `The JPEG file has more than ${LIMITS.maxJpegScans} scans; no encoder writes that many (a decoding bomb).`,
    )
  return { format, width, height }
}

const unreadable = (format: string) =>
  reject('InvalidURL', `The ${format} header is unreadable (corrupt or truncated file).`)

/** PNG, BMP and WEBP: their dimensions sit at a fixed place that their decoders read too. */
function headerSize(
  bytes: Uint8Array,
  format: ImageFormat,
): { width: number; height: number } | Detection {
  try {
    const { width, height } = imageSize(bytes)
    return { width, height }
  } catch {
    return unreadable(format.toUpperCase())
  }
}

/**
 * A JPEG's dimensions are those of its one frame header, found by the same marker walk the decoder
 * follows (standalone markers included). A parser that reads a standalone marker as a segment lands
 * elsewhere, where a decoy frame header may wait in an APPn segment: the size checked must be the
 * size the decoder allocates for.
 */
export function jpegSize(walk: JpegContainer): { width: number; height: number } | Detection {
  const [frame, second] = walk.frames
  if (frame === undefined) return unreadable('JPEG')
  if (second !== undefined)
    return reject(
      'InvalidURL',
      `The JPEG file has ${walk.frameCount} frame headers (the first ${frame.width}×${frame.height}, then ${second.width}×${second.height}); a photo has one.`,
    )
  return { width: frame.width, height: frame.height }
}
