import type { Pixels } from './pixels.js'

export class BmpError extends Error {
  override name = 'BmpError'
}

/**
 * Decodes an uncompressed BMP to RGB: core and info headers (v1–v5), 1/4/8-bit palettes, 16/24/32
 * bits with or without bit-field masks, bottom-up or top-down (negative height) rows. Run-length
 * and embedded JPEG/PNG variants are refused. Alpha is dropped, as for every format here.
 */
export function decodeBmp(bytes: Uint8Array): Pixels {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (bytes.length < 26) throw new BmpError('the file ends inside the BMP header')
  const headerSize = view.getUint32(14, true)
  const core = headerSize === 12
  if (!core && headerSize < 40) throw new BmpError(`unknown BMP header (${headerSize} bytes)`)
  if (14 + headerSize > bytes.length) throw new BmpError('the file ends inside the BMP header')
  const width = core ? view.getUint16(18, true) : view.getInt32(18, true)
  const signedHeight = core ? view.getInt16(20, true) : view.getInt32(22, true)
  const bits = view.getUint16(core ? 24 : 28, true)
  const compression = core ? 0 : view.getUint32(30, true)
  const height = Math.abs(signedHeight)
  const topDown = signedHeight < 0
  if (width <= 0 || height === 0) throw new BmpError('the BMP header has no usable dimensions')
  if (compression !== 0 && compression !== 3 && compression !== 6)
    throw new BmpError(`compressed BMP (method ${compression}) is not supported`)

  const bitfields = compression === 3 || compression === 6
  // Masks follow a 40-byte header (12 or 16 bytes); larger headers hold them at the same place.
  let masks: number[] = []
  if (bitfields && bits > 8)
    masks = [view.getUint32(54, true), view.getUint32(58, true), view.getUint32(62, true)]
  else if (bits === 16) masks = [0x7c00, 0x03e0, 0x001f]
  else if (bits === 32) masks = [0xff0000, 0x00ff00, 0x0000ff]
  let palette: Uint8Array | undefined
  if (bits <= 8) {
    if (bits !== 1 && bits !== 4 && bits !== 8)
      throw new BmpError(`${bits}-bit BMP is not supported`)
    const entry = core ? 3 : 4
    const used = core ? 0 : view.getUint32(46, true)
    const colours = used > 0 && used <= 1 << bits ? used : 1 << bits
    const start = 14 + headerSize + (bitfields && headerSize === 40 ? 12 : 0)
    palette = new Uint8Array(256 * 3)
    for (let i = 0; i < colours; i++) {
      const at = start + i * entry
      if (at + 3 > bytes.length) throw new BmpError('the file ends inside the BMP palette')
      palette.set([bytes[at + 2] ?? 0, bytes[at + 1] ?? 0, bytes[at] ?? 0], i * 3)
    }
  } else if (bits !== 16 && bits !== 24 && bits !== 32) {
    throw new BmpError(`${bits}-bit BMP is not supported`)
  }

  const offset = view.getUint32(10, true)
  const stride = Math.floor((bits * width + 31) / 32) * 4
  const needed = offset + stride * height
  if (needed > bytes.length)
    throw new BmpError(
      `the pixel data stops early (the file has ${bytes.length} bytes, its header needs ${needed})`,
    )

  const channel = masks.map((mask) => {
    let shift = 0
    while (shift < 32 && ((mask >>> shift) & 1) === 0) shift++
    let size = 0
    while (shift + size < 32 && ((mask >>> (shift + size)) & 1) === 1) size++
    return { mask, shift, max: size > 0 ? 2 ** size - 1 : 1 }
  })
  const rgb = new Uint8Array(width * height * 3)
  for (let y = 0; y < height; y++) {
    const row = offset + (topDown ? y : height - 1 - y) * stride
    let out = y * width * 3
    for (let x = 0; x < width; x++) {
      if (palette !== undefined) {
        const perByte = 8 / bits
        const byte = bytes[row + Math.floor(x / perByte)] ?? 0
        const index = (byte >> (8 - bits - (x % perByte) * bits)) & ((1 << bits) - 1)
        rgb[out++] = palette[index * 3] ?? 0
        rgb[out++] = palette[index * 3 + 1] ?? 0
        rgb[out++] = palette[index * 3 + 2] ?? 0
      } else if (bits === 24) {
        const at = row + x * 3
        rgb[out++] = bytes[at + 2] ?? 0
        rgb[out++] = bytes[at + 1] ?? 0
        rgb[out++] = bytes[at] ?? 0
      } else {
        const value =
          bits === 16 ? view.getUint16(row + x * 2, true) : view.getUint32(row + x * 4, true)
        for (const c of channel)
          rgb[out++] = Math.round((((value & c.mask) >>> c.shift) * 255) / c.max)
      }
    }
  }
  return { data: rgb, width, height, channels: 3 }
}
