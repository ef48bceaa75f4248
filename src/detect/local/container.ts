import { crc32 } from 'node:zlib'
import { LIMITS } from './thresholds.js'

/**
 * What a walk over a file's container (JPEG markers, PNG chunks, RIFF chunks) finds without
 * decoding a pixel: whether the file is whole, and the metadata decoding needs.
 */
export interface Container {
  /** Why the file is not whole or not well formed; undefined when it is. */
  problem: string | undefined
  /** The EXIF block (a TIFF structure), when the file has one. */
  exif: Uint8Array | undefined
}

/** A JPEG frame header (SOFn): the size a decoder allocates for. */
export interface JpegFrame {
  /** The SOFn marker (0xC0 baseline, 0xC2 progressive, …). */
  marker: number
  width: number
  height: number
  components: number
}

export interface JpegContainer extends Container {
  /** Scans (SOS markers) seen; the walk stops past `LIMITS.maxJpegScans`. */
  scans: number
  /**
   * The first two frame headers the walk met, in file order. A photo has one; libjpeg decodes the
   * first and refuses a second, so dimensions must come from here, never from a parser that walks
   * otherwise. Only two are kept: a file of a million frame headers costs no memory.
   */
  frames: JpegFrame[]
  /** Every frame header the walk met. */
  frameCount: number
  /** Components in the first frame header; 0 when there is none. */
  components: number
  /** The Adobe APP14 marker's colour transform (0 none, 1 YCbCr, 2 YCCK); undefined without it. */
  adobeTransform: number | undefined
}

const hex = (marker: number) => `0x${marker.toString(16).toUpperCase().padStart(2, '0')}`
const u16be = (bytes: Uint8Array, at: number) => ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0)
const u32be = (bytes: Uint8Array, at: number) => u16be(bytes, at) * 65536 + u16be(bytes, at + 2)
const u32le = (bytes: Uint8Array, at: number) =>
  ((bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8) | ((bytes[at + 2] ?? 0) << 16)) +
  (bytes[at + 3] ?? 0) * 16777216
const ascii = (bytes: Uint8Array, at: number, length: number) =>
  String.fromCharCode(...bytes.subarray(at, at + length))

/** Every SOFn is a frame header; 0xC4 (DHT), 0xC8 (JPG) and 0xCC (DAC) share the range but are not. */
const isSof = (marker: number) =>
  marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc
const isRst = (marker: number) => marker >= 0xd0 && marker <= 0xd7

/**
 * Walks a JPEG's markers up to the end-of-image marker, finding the frame header where libjpeg
 * finds it (ITU T.81 B.1.1): fill bytes 0xFF may precede a marker; TEM (0x01), RST0–7, SOI and EOI
 * stand alone, with no length;
 * every other marker starts a segment whose length it skips. Entropy-coded data is skipped by
 * looking for the next marker, which also counts the scans: a file that ends inside a segment or a
 * scan, or before EOI, was cut short (an image viewer shows its missing part grey).
 */
export function walkJpeg(bytes: Uint8Array): JpegContainer {
  const found: JpegContainer = {
    problem: undefined,
    exif: undefined,
    scans: 0,
    frames: [],
    frameCount: 0,
    components: 0,
    adobeTransform: undefined,
  }
  let at = 2
  for (;;) {
    const ff = bytes.indexOf(0xff, at)
    if (ff < 0) {
      found.problem = 'the file ends before the end-of-image marker'
      return found
    }
    let m = ff + 1
    while (bytes[m] === 0xff) m++
    const marker = bytes[m]
    if (marker === undefined) {
      found.problem = 'the file ends before the end-of-image marker'
      return found
    }
    at = m + 1
    if (marker === 0xd9) return found
    if (marker === 0x00 || marker === 0x01 || marker === 0xd8 || isRst(marker)) continue
    const length = u16be(bytes, at)
    const end = at + length
    if (length < 2 || end > bytes.length) {
      found.problem = `the file ends inside a ${hex(marker)} segment`
      return found
    }
    const data = bytes.subarray(at + 2, end)
    if (isSof(marker)) {
      const frame = {
        marker,
        height: u16be(data, 1),
        width: u16be(data, 3),
        components: data[5] ?? 0,
      }
      if (found.frameCount === 0) found.components = frame.components
      if (found.frameCount < 2) found.frames.push(frame)
      found.frameCount++
    } else if (marker === 0xe1 && found.exif === undefined && ascii(data, 0, 6) === 'Exif\0\0')
      found.exif = data.subarray(6)
    else if (marker === 0xee && ascii(data, 0, 5) === 'Adobe' && data.length >= 12)
      found.adobeTransform = data[11]
    at = end
    if (marker !== 0xda) continue
    found.scans++
    if (found.scans > LIMITS.maxJpegScans) return found
    // Entropy-coded data runs to the next marker other than a stuffed 0xFF00 or a restart.
    for (;;) {
      const next = bytes.indexOf(0xff, at)
      if (next < 0) {
        found.problem = `the file ends inside scan ${found.scans} (the image data stops early)`
        return found
      }
      let after = next + 1
      while (bytes[after] === 0xff) after++
      const following = bytes[after]
      if (following === undefined) {
        found.problem = `the file ends inside scan ${found.scans} (the image data stops early)`
        return found
      }
      if (following === 0x00 || isRst(following)) {
        at = after + 1
        continue
      }
      at = next
      break
    }
  }
}

/**
 * Walks a PNG's chunks: each must fit in the file, critical chunks must match their CRC (libpng
 * refuses them otherwise; a damaged ancillary chunk is only a warning there too), and IEND must
 * come.
 */
export function walkPng(bytes: Uint8Array): Container {
  const found: Container = { problem: undefined, exif: undefined }
  let at = 8
  for (;;) {
    if (at + 8 > bytes.length) {
      found.problem = 'the file ends before the IEND chunk'
      return found
    }
    const length = u32be(bytes, at)
    const type = ascii(bytes, at + 4, 4)
    const end = at + 8 + length + 4
    if (end > bytes.length) {
      found.problem = `the file ends inside the ${type} chunk`
      return found
    }
    const critical = type.charCodeAt(0) < 0x61
    if (critical && crc32(bytes.subarray(at + 4, end - 4)) !== u32be(bytes, end - 4)) {
      found.problem = `the ${type} chunk fails its checksum (corrupt data)`
      return found
    }
    if (type === 'eXIf' && found.exif === undefined)
      found.exif = bytes.subarray(at + 8, at + 8 + length)
    if (type === 'IEND') return found
    at = end
  }
}

/** Walks a WEBP's RIFF chunks: the RIFF size and every chunk must fit in the file. */
export function walkWebp(bytes: Uint8Array): Container {
  const found: Container = { problem: undefined, exif: undefined }
  const riffEnd = 8 + u32le(bytes, 4)
  if (riffEnd > bytes.length) {
    found.problem = `the RIFF header announces ${riffEnd} bytes but the file has ${bytes.length}`
    return found
  }
  let at = 12
  while (at + 8 <= riffEnd) {
    const type = ascii(bytes, at, 4)
    const length = u32le(bytes, at + 4)
    const end = at + 8 + length
    if (end > riffEnd) {
      found.problem = `the file ends inside the ${type.trim()} chunk`
      return found
    }
    if (type === 'EXIF' && found.exif === undefined) {
      const data = bytes.subarray(at + 8, end)
      // Some writers keep JPEG's "Exif\0\0" prefix in front of the TIFF structure.
      found.exif = ascii(data, 0, 6) === 'Exif\0\0' ? data.subarray(6) : data
    }
    at = end + (length & 1)
  }
  return found
}
