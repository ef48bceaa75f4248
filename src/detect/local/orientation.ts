import type { Pixels } from './pixels.js'

/**
 * The EXIF Orientation tag (0x0112) of IFD0 in a TIFF structure, 1 (as stored) when absent or
 * unreadable. Phones store photos sideways and set this tag; every viewer honours it, and so do
 * people labelling photos.
 */
export function exifOrientation(tiff: Uint8Array): number {
  const little = tiff[0] === 0x49 && tiff[1] === 0x49
  if (!little && !(tiff[0] === 0x4d && tiff[1] === 0x4d)) return 1
  const u16 = (at: number) =>
    little
      ? (tiff[at] ?? 0) | ((tiff[at + 1] ?? 0) << 8)
      : ((tiff[at] ?? 0) << 8) | (tiff[at + 1] ?? 0)
  const u32 = (at: number) =>
    little ? u16(at) + u16(at + 2) * 65536 : u16(at) * 65536 + u16(at + 2)
  if (u16(2) !== 42) return 1
  const ifd = u32(4)
  const entries = u16(ifd)
  for (let i = 0; i < entries; i++) {
    const entry = ifd + 2 + i * 12
    if (entry + 12 > tiff.length) return 1
    if (u16(entry) !== 0x0112) continue
    // SHORT, count 1: the value sits in the first two bytes of the value field.
    const value = u16(entry + 2) === 3 ? u16(entry + 8) : 1
    return value >= 1 && value <= 8 ? value : 1
  }
  return 1
}

/**
 * The pixels as a viewer shows them for an EXIF orientation: 2 mirrors, 3 turns 180°, 4 flips, 5
 * transposes, 6 turns 90° clockwise, 7 transverses, 8 turns 90° counter-clockwise.
 */
export function orient(pixels: Pixels, orientation: number): Pixels {
  if (orientation < 2 || orientation > 8) return pixels
  const { data, width: w, height: h, channels } = pixels
  const swaps = orientation >= 5
  const width = swaps ? h : w
  const height = swaps ? w : h
  // For each shown pixel (x, y), the stored one is at sx + sy * w = base + x * dx + y * dy.
  const [base, dx, dy] = ((): [number, number, number] => {
    switch (orientation) {
      case 2:
        return [w - 1, -1, w]
      case 3:
        return [w * h - 1, -1, -w]
      case 4:
        return [(h - 1) * w, 1, -w]
      case 5:
        return [0, w, 1]
      case 6:
        return [(h - 1) * w, -w, 1]
      case 7:
        return [w * h - 1, -w, -1]
      default:
        return [w - 1, w, -1]
    }
  })()
  const out = new Uint8Array(data.length)
  let target = 0
  for (let y = 0; y < height; y++) {
    let source = base + y * dy
    for (let x = 0; x < width; x++) {
      const from = source * channels
      for (let c = 0; c < channels; c++) out[target++] = data[from + c] ?? 0
      source += dx
    }
  }
  return { data: out, width, height, channels }
}
