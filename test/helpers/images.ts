/**
 * Test images made with code from the repository's fixture photos: re-encodings, EXIF tags, cut
 * files, CMYK and top-down BMP variants, a scan bomb. Nothing here is committed as a file.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { init as initJpegEncoder, default as encodeJpegWasm } from '@jsquash/jpeg/encode.js'
import { default as encodePngWasm } from '@jsquash/png/encode.js'
import { init as initWebpEncoder, default as encodeWebpWasm } from '@jsquash/webp/encode.js'
import { locateAssets } from '../../src/detect/local/assets.js'
import { ImageDecoder, type Pixels } from '../../src/detect/local/decode.js'
import { ROOT } from '../e2e/harness.js'

export const assets = locateAssets(ROOT)

export const photo = async (name: string): Promise<Uint8Array> =>
  new Uint8Array(await readFile(join(ROOT, 'test/fixtures/photos', name)))

let decoder: ImageDecoder | undefined
/** RGBA pixels of a fixture, as the detector's own decoder gives them. */
export async function rgbaOf(name: string): Promise<Pixels> {
  decoder ??= new ImageDecoder(assets)
  const bytes = await photo(name)
  const pixels = await decoder.decode(bytes, name.endsWith('.webp') ? 'webp' : 'jpeg')
  return toRgba(pixels)
}

export function toRgba(pixels: Pixels): Pixels {
  if (pixels.channels === 4) return pixels
  const { width, height, channels } = pixels
  const out = new Uint8Array(width * height * 4)
  for (let i = 0; i < width * height; i++) {
    const r = pixels.data[i * channels] ?? 0
    out[i * 4] = r
    out[i * 4 + 1] = channels < 3 ? r : (pixels.data[i * channels + 1] ?? 0)
    out[i * 4 + 2] = channels < 3 ? r : (pixels.data[i * channels + 2] ?? 0)
    out[i * 4 + 3] = 255
  }
  return { data: out, width, height, channels: 4 }
}

/** Nearest-neighbour resize, for small fixtures. */
export function resize(pixels: Pixels, width: number, height: number): Pixels {
  const { channels } = pixels
  const out = new Uint8Array(width * height * channels)
  for (let y = 0; y < height; y++) {
    const sy = Math.floor((y * pixels.height) / height)
    for (let x = 0; x < width; x++) {
      const sx = Math.floor((x * pixels.width) / width)
      const from = (sy * pixels.width + sx) * channels
      out.set(pixels.data.subarray(from, from + channels), (y * width + x) * channels)
    }
  }
  return { data: out, width, height, channels }
}

/** Moves every pixel: `source(x, y)` names the input pixel shown at (x, y) of a `width`×`height` output. */
function remap(
  pixels: Pixels,
  width: number,
  height: number,
  source: (x: number, y: number) => [number, number],
): Pixels {
  const { channels } = pixels
  const out = new Uint8Array(width * height * channels)
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const [sx, sy] = source(x, y)
      const from = (sy * pixels.width + sx) * channels
      out.set(pixels.data.subarray(from, from + channels), (y * width + x) * channels)
    }
  return { data: out, width, height, channels }
}

/** Geometric turns of a picture, written independently of the detector's orientation table. */
export const turn = {
  clockwise: (p: Pixels) => remap(p, p.height, p.width, (x, y) => [y, p.height - 1 - x]),
  counterClockwise: (p: Pixels) => remap(p, p.height, p.width, (x, y) => [p.width - 1 - y, x]),
  halfway: (p: Pixels) =>
    remap(p, p.width, p.height, (x, y) => [p.width - 1 - x, p.height - 1 - y]),
  mirror: (p: Pixels) => remap(p, p.width, p.height, (x, y) => [p.width - 1 - x, y]),
  flip: (p: Pixels) => remap(p, p.width, p.height, (x, y) => [x, p.height - 1 - y]),
  transpose: (p: Pixels) => remap(p, p.height, p.width, (x, y) => [y, x]),
  transverse: (p: Pixels) =>
    remap(p, p.height, p.width, (x, y) => [p.width - 1 - y, p.height - 1 - x]),
}

/** What to store so that a viewer applying EXIF `orientation` shows `upright`. */
export function storedFor(upright: Pixels, orientation: number): Pixels {
  switch (orientation) {
    case 2:
      return turn.mirror(upright)
    case 3:
      return turn.halfway(upright)
    case 4:
      return turn.flip(upright)
    case 5:
      return turn.transpose(upright)
    case 6:
      // Shown turned a quarter clockwise, so stored a quarter counter-clockwise.
      return turn.counterClockwise(upright)
    case 7:
      return turn.transverse(upright)
    case 8:
      return turn.clockwise(upright)
    default:
      return upright
  }
}

/** encode.js takes the compiled module; the published types omit that form. */
type InitWithModule = (module: WebAssembly.Module) => Promise<unknown>

/** Compiles an encoder's WebAssembly from node_modules and initialises it, once per process. */
function encoderOnce(init: unknown, wasmPath: string): () => Promise<void> {
  let ready: Promise<void> | undefined
  return () =>
    (ready ??= (async () => {
      const wasm = await readFile(join(ROOT, 'node_modules', wasmPath))
      await (init as InitWithModule)(await WebAssembly.compile(wasm))
    })())
}

/** The encoders' input: RGBA as ImageData. */
function imageData(pixels: Pixels) {
  const rgba = toRgba(pixels)
  return {
    data: new Uint8ClampedArray(rgba.data),
    width: rgba.width,
    height: rgba.height,
    colorSpace: 'srgb' as const,
  }
}

const jpegEncoderReady = encoderOnce(initJpegEncoder, '@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm')
export async function encodeJpeg(
  pixels: Pixels,
  options: { progressive?: boolean; quality?: number } = {},
): Promise<Uint8Array> {
  await jpegEncoderReady()
  return new Uint8Array(
    await encodeJpegWasm(imageData(pixels), {
      quality: options.quality ?? 85,
      progressive: options.progressive ?? false,
    }),
  )
}

export async function encodePng(pixels: Pixels): Promise<Uint8Array> {
  const { init } = await import('@jsquash/png/decode.js')
  await init()
  return new Uint8Array(await encodePngWasm(imageData(pixels)))
}

const webpEncoderReady = encoderOnce(initWebpEncoder, '@jsquash/webp/codec/enc/webp_enc_simd.wasm')
export async function encodeWebp(pixels: Pixels): Promise<Uint8Array> {
  await webpEncoderReady()
  return new Uint8Array(await encodeWebpWasm(imageData(pixels), { quality: 85 }))
}

const be16 = (n: number) => [(n >> 8) & 255, n & 255]
const be32 = (n: number) => [...be16(n >>> 16), ...be16(n & 0xffff)]
const le32 = (n: number) => [n & 255, (n >> 8) & 255, (n >> 16) & 255, (n >>> 24) & 255]
const le24 = (n: number) => [n & 255, (n >> 8) & 255, (n >> 16) & 255]
const text = (s: string) => Array.from({ length: s.length }, (_, i) => s.charCodeAt(i))

/** A big-endian TIFF block with one IFD0 entry: Orientation (SHORT). */
export function tiffOrientation(orientation: number, little = false): Uint8Array {
  const u16 = (n: number) => (little ? [n & 255, n >> 8] : be16(n))
  const u32 = (n: number) => (little ? le32(n) : be32(n))
  return new Uint8Array([
    ...(little ? text('II') : text('MM')),
    ...u16(42),
    ...u32(8),
    ...u16(1),
    ...u16(0x0112),
    ...u16(3),
    ...u32(1),
    ...u16(orientation),
    0,
    0,
    ...u32(0),
  ])
}

function concat(...parts: (Uint8Array | number[])[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

/** Puts an APP1 Exif segment with the orientation right after SOI. */
export function jpegWithOrientation(jpeg: Uint8Array, orientation: number): Uint8Array {
  const payload = concat(text('Exif\0\0'), tiffOrientation(orientation, orientation % 2 === 0))
  return concat(
    jpeg.subarray(0, 2),
    [0xff, 0xe1, ...be16(payload.length + 2)],
    payload,
    jpeg.subarray(2),
  )
}

/** Puts a JPEG comment (COM) right after SOI. */
export function jpegWithComment(jpeg: Uint8Array, comment: string): Uint8Array {
  const payload = text(comment)
  return concat(
    jpeg.subarray(0, 2),
    [0xff, 0xfe, ...be16(payload.length + 2)],
    payload,
    jpeg.subarray(2),
  )
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const body = concat(text(type), data)
  return concat(be32(data.length), body, be32(crc32(body)))
}

/** Puts an eXIf chunk with the orientation right after IHDR. */
export function pngWithOrientation(png: Uint8Array, orientation: number): Uint8Array {
  const afterHeader = 8 + 8 + 13 + 4
  return concat(
    png.subarray(0, afterHeader),
    pngChunk('eXIf', tiffOrientation(orientation)),
    png.subarray(afterHeader),
  )
}

/** Turns a simple (VP8/VP8L) WEBP into the extended form with an EXIF chunk. */
export function webpWithOrientation(
  webp: Uint8Array,
  width: number,
  height: number,
  orientation: number,
): Uint8Array {
  const image = webp.subarray(12)
  const exif = tiffOrientation(orientation)
  const vp8x = concat(text('VP8X'), le32(10), [0x08, 0, 0, 0], le24(width - 1), le24(height - 1))
  const exifChunk = concat(text('EXIF'), le32(exif.length), exif, exif.length % 2 ? [0] : [])
  const body = concat(text('WEBP'), vp8x, image, exifChunk)
  return concat(text('RIFF'), le32(body.length), body)
}

/** The JPEG's scans, as [start of SOS, start of the next marker) ranges. */
export function jpegScans(jpeg: Uint8Array): [number, number][] {
  const scans: [number, number][] = []
  let at = 2
  while (at < jpeg.length) {
    const marker = jpeg[at + 1] ?? 0
    if (marker === 0xd9) break
    const length = ((jpeg[at + 2] ?? 0) << 8) | (jpeg[at + 3] ?? 0)
    let end = at + 2 + length
    if (marker === 0xda) {
      while (
        end < jpeg.length &&
        !(
          jpeg[end] === 0xff &&
          (jpeg[end + 1] ?? 0) !== 0 &&
          ((jpeg[end + 1] ?? 0) < 0xd0 || (jpeg[end + 1] ?? 0) > 0xd7)
        )
      )
        end++
      scans.push([at, end])
    }
    at = end
  }
  return scans
}

/**
 * A progressive JPEG with `times` extra scans before EOI, each a handful of bytes: one AC scan of
 * the first component coded as end-of-band runs of 32767 blocks (with a Huffman table of its own
 * that has only that symbol). Every one makes the decoder walk all the component's blocks again.
 */
export function scanBomb(progressive: Uint8Array, times: number): Uint8Array {
  let at = 2
  while (progressive[at + 1] !== 0xc2)
    at += 2 + (((progressive[at + 2] ?? 0) << 8) | (progressive[at + 3] ?? 0))
  const frame = progressive.subarray(at + 4)
  const height = ((frame[1] ?? 0) << 8) | (frame[2] ?? 0)
  const width = ((frame[3] ?? 0) << 8) | (frame[4] ?? 0)
  const count = frame[5] ?? 0
  const sampling = Array.from({ length: count }, (_, i) => frame[7 + i * 3] ?? 0x11)
  const maxH = Math.max(...sampling.map((s) => s >> 4))
  const maxV = Math.max(...sampling.map((s) => s & 15))
  const first = sampling[0] ?? 0x11
  const blocks =
    Math.ceil(Math.ceil((width * (first >> 4)) / maxH) / 8) *
    Math.ceil(Math.ceil((height * (first & 15)) / maxV) / 8)
  // AC table 3: one symbol, 0xE0 (an EOB run of 2^14 + 14 more bits), with the 1-bit code 0.
  const table = [
    0xff,
    0xc4,
    ...be16(2 + 1 + 16 + 1),
    0x13,
    1,
    ...new Array<number>(15).fill(0),
    0xe0,
  ]
  const bits: number[] = []
  for (let i = 0; i < Math.ceil(blocks / 32767); i++) bits.push(0, ...new Array<number>(14).fill(1))
  while (bits.length % 8 !== 0) bits.push(1)
  const data: number[] = []
  for (let i = 0; i < bits.length; i += 8) {
    const byte = bits.slice(i, i + 8).reduce((v, b) => (v << 1) | b, 0)
    data.push(...(byte === 0xff ? [0xff, 0x00] : [byte]))
  }
  const header = [1, frame[6] ?? 1, 0x03, 1, 63, 0]
  const scan = concat([0xff, 0xda, ...be16(header.length + 2)], header, data)
  return concat(
    progressive.subarray(0, progressive.length - 2),
    table,
    ...Array.from({ length: times }, () => scan),
    progressive.subarray(progressive.length - 2),
  )
}

/** A flat grey picture: compresses to almost nothing at any size. */
export const flatGrey = (width: number, height: number): Pixels => ({
  data: new Uint8Array(width * height * 4).fill(128),
  width,
  height,
  channels: 4,
})

/** A 24-bit BMP, rows stored top-down (negative height) or bottom-up. */
export function bmp24(pixels: Pixels, topDown: boolean): Uint8Array {
  const { width, height, channels } = pixels
  const stride = Math.ceil((width * 3) / 4) * 4
  const out = new Uint8Array(54 + stride * height)
  const view = new DataView(out.buffer)
  out.set(text('BM'))
  view.setUint32(2, out.length, true)
  view.setUint32(10, 54, true)
  view.setUint32(14, 40, true)
  view.setInt32(18, width, true)
  view.setInt32(22, topDown ? -height : height, true)
  view.setUint16(26, 1, true)
  view.setUint16(28, 24, true)
  for (let y = 0; y < height; y++) {
    const row = 54 + (topDown ? y : height - 1 - y) * stride
    for (let x = 0; x < width; x++) {
      const from = (y * width + x) * channels
      out[row + x * 3] = pixels.data[from + 2] ?? 0
      out[row + x * 3 + 1] = pixels.data[from + 1] ?? 0
      out[row + x * 3 + 2] = pixels.data[from] ?? 0
    }
  }
  return out
}

/** An 8-bit palette BMP (bottom-up) of palette indices. */
export function bmp8(indices: number[][], palette: [number, number, number][]): Uint8Array {
  const height = indices.length
  const width = indices[0]?.length ?? 0
  const stride = Math.ceil(width / 4) * 4
  const offset = 54 + palette.length * 4
  const out = new Uint8Array(offset + stride * height)
  const view = new DataView(out.buffer)
  out.set(text('BM'))
  view.setUint32(2, out.length, true)
  view.setUint32(10, offset, true)
  view.setUint32(14, 40, true)
  view.setInt32(18, width, true)
  view.setInt32(22, height, true)
  view.setUint16(26, 1, true)
  view.setUint16(28, 8, true)
  view.setUint32(46, palette.length, true)
  palette.forEach(([r, g, b], i) => out.set([b, g, r, 0], 54 + i * 4))
  indices.forEach((row, y) => out.set(row, offset + (height - 1 - y) * stride))
  return out
}

export type CmykMode = 'adobe-cmyk' | 'adobe-ycck' | 'plain-cmyk'

const LUMINANCE = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
  14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113,
  92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
]

const ZIGZAG = ((): number[] => {
  const order: number[] = []
  for (let sum = 0; sum < 15; sum++) {
    const diagonal: number[] = []
    for (let y = 0; y <= sum; y++) if (y < 8 && sum - y < 8) diagonal.push(y * 8 + sum - y)
    order.push(...(sum % 2 === 0 ? diagonal.reverse() : diagonal))
  }
  return order
})()

/**
 * A baseline four-component JPEG (no subsampling, one interleaved scan) of RGB pixels, as
 * Photoshop writes them: Adobe-inverted CMYK, YCCK, or plain CMYK without the Adobe marker.
 * Huffman codes are flat (4-bit DC, 8-bit AC): valid, if not small. `restartInterval` adds DRI and
 * RST markers.
 */
export function encodeCmykJpeg(pixels: Pixels, mode: CmykMode, restartInterval = 0): Uint8Array {
  const { width, height, channels } = pixels
  const planes = [0, 1, 2, 3].map(() => new Uint8Array(width * height))
  for (let i = 0; i < width * height; i++) {
    const r = pixels.data[i * channels] ?? 0
    const g = pixels.data[i * channels + 1] ?? 0
    const b = pixels.data[i * channels + 2] ?? 0
    // Inverted CMYK (255 = no ink): K from the brightest channel, then C, M, Y relative to it.
    const k = Math.max(r, g, b)
    const inv = (v: number) => (k === 0 ? 0 : Math.round((v * 255) / k))
    let values = [inv(r), inv(g), inv(b), k]
    if (mode === 'plain-cmyk') values = values.map((v) => 255 - v)
    if (mode === 'adobe-ycck') {
      const [c = 0, m = 0, y = 0] = values
      const R = 255 - c
      const G = 255 - m
      const B = 255 - y
      values = [
        0.299 * R + 0.587 * G + 0.114 * B,
        -0.168736 * R - 0.331264 * G + 0.5 * B + 128,
        0.5 * R - 0.418688 * G - 0.081312 * B + 128,
        k,
      ].map((v) => Math.max(0, Math.min(255, Math.round(v))))
    }
    values.forEach((v, c) => {
      const plane = planes[c]
      if (plane) plane[i] = v
    })
  }
  const quant = LUMINANCE.map((q) => Math.max(1, Math.round(q / 4)))
  const basis = Array.from({ length: 64 }, (_, i) => {
    const x = i >> 3
    const u = i & 7
    return ((u === 0 ? Math.SQRT1_2 : 1) / 2) * Math.cos(((2 * x + 1) * u * Math.PI) / 16)
  })
  const cos = (x: number, u: number) => basis[x * 8 + u] ?? 0

  const bytes: number[] = []
  let buffer = 0
  let count = 0
  const put = (value: number, length: number) => {
    for (let i = length - 1; i >= 0; i--) {
      buffer = (buffer << 1) | ((value >> i) & 1)
      if (++count === 8) {
        bytes.push(buffer)
        if (buffer === 0xff) bytes.push(0)
        buffer = 0
        count = 0
      }
    }
  }
  const flush = () => {
    if (count > 0) put(0x7f, 8 - count)
  }
  const category = (v: number) => (v === 0 ? 0 : Math.floor(Math.log2(Math.abs(v))) + 1)
  const bitsOf = (v: number, s: number) => (v < 0 ? v + (1 << s) - 1 : v)
  // DC: symbol s has the 4-bit code s. AC: the i-th symbol of AC_SYMBOLS has the 8-bit code i.
  const acSymbols = [0x00, 0xf0]
  for (let r = 0; r < 16; r++) for (let s = 1; s <= 10; s++) acSymbols.push((r << 4) | s)
  const acCode = new Map(acSymbols.map((symbol, i) => [symbol, i]))
  const ac = (symbol: number) => put(acCode.get(symbol) ?? 0, 8)

  const blocksWide = Math.ceil(width / 8)
  const blocksHigh = Math.ceil(height / 8)
  const preds = [0, 0, 0, 0]
  const block = new Float64Array(64)
  let mcu = 0
  let restarts = 0
  for (let by = 0; by < blocksHigh; by++)
    for (let bx = 0; bx < blocksWide; bx++) {
      if (restartInterval > 0 && mcu > 0 && mcu % restartInterval === 0) {
        flush()
        bytes.push(0xff, 0xd0 + (restarts++ % 8))
        preds.fill(0)
      }
      mcu++
      planes.forEach((plane, c) => {
        for (let y = 0; y < 8; y++)
          for (let x = 0; x < 8; x++) {
            const sx = Math.min(width - 1, bx * 8 + x)
            const sy = Math.min(height - 1, by * 8 + y)
            block[y * 8 + x] = (plane[sy * width + sx] ?? 0) - 128
          }
        const coefficients = new Array<number>(64).fill(0)
        for (let v = 0; v < 8; v++)
          for (let u = 0; u < 8; u++) {
            let sum = 0
            for (let y = 0; y < 8; y++)
              for (let x = 0; x < 8; x++) sum += cos(x, u) * cos(y, v) * (block[y * 8 + x] ?? 0)
            coefficients[v * 8 + u] = Math.round(sum / (quant[v * 8 + u] ?? 1))
          }
        const dc = coefficients[0] ?? 0
        const diff = dc - (preds[c] ?? 0)
        preds[c] = dc
        const s = category(diff)
        put(s, 4)
        put(bitsOf(diff, s), s)
        let run = 0
        for (let k = 1; k < 64; k++) {
          const value = coefficients[ZIGZAG[k] ?? 0] ?? 0
          if (value === 0) {
            run++
            continue
          }
          while (run > 15) {
            ac(0xf0)
            run -= 16
          }
          const size = category(value)
          ac((run << 4) | size)
          put(bitsOf(value, size), size)
          run = 0
        }
        if (run > 0) ac(0x00)
      })
    }
  flush()

  const segment = (marker: number, data: number[]) => [
    0xff,
    marker,
    ...be16(data.length + 2),
    ...data,
  ]
  const adobe =
    mode === 'plain-cmyk'
      ? []
      : segment(0xee, [...text('Adobe'), 0, 100, 0, 0, 0, 0, mode === 'adobe-ycck' ? 2 : 0])
  const dcBits = [0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
  const acBits = [0, 0, 0, 0, 0, 0, 0, acSymbols.length, 0, 0, 0, 0, 0, 0, 0, 0]
  return new Uint8Array([
    0xff,
    0xd8,
    ...adobe,
    ...segment(0xdb, [0, ...ZIGZAG.map((i) => quant[i] ?? 1)]),
    ...segment(0xc0, [
      8,
      ...be16(height),
      ...be16(width),
      4,
      ...[1, 2, 3, 4].flatMap((id) => [id, 0x11, 0]),
    ]),
    ...segment(0xc4, [0x00, ...dcBits, ...Array.from({ length: 12 }, (_, i) => i)]),
    ...segment(0xc4, [0x10, ...acBits, ...acSymbols]),
    ...(restartInterval > 0 ? segment(0xdd, be16(restartInterval)) : []),
    ...segment(0xda, [4, ...[1, 2, 3, 4].flatMap((id) => [id, 0x00]), 0, 63, 0]),
    ...bytes,
    0xff,
    0xd9,
  ])
}

/** Mean absolute difference of the RGB channels of two same-sized images. */
export function meanDifference(a: Pixels, b: Pixels): number {
  let sum = 0
  const n = a.width * a.height
  for (let i = 0; i < n; i++)
    for (let c = 0; c < 3; c++)
      sum += Math.abs((a.data[i * a.channels + c] ?? 0) - (b.data[i * b.channels + c] ?? 0))
  return sum / (n * 3)
}
