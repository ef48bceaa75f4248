/** Minimal image headers, enough for format sniffing and dimension reading (not decodable). */
const u32be = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]
const u32le = (n: number) => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255]
const u16be = (n: number) => [(n >>> 8) & 255, n & 255]
const u24le = (n: number) => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255]

export function pngHeader(width: number, height: number): Uint8Array {
  return new Uint8Array([
    0x89,
    0x50,
    0x4e,
    0x47,
    0x0d,
    0x0a,
    0x1a,
    0x0a,
    ...u32be(13),
    0x49,
    0x48,
    0x44,
    0x52,
    ...u32be(width),
    ...u32be(height),
    8,
    2,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
  ])
}

export function jpegHeader(width: number, height: number): Uint8Array {
  return new Uint8Array([
    0xff,
    0xd8,
    0xff,
    0xe0,
    ...u16be(16),
    0x4a,
    0x46,
    0x49,
    0x46,
    0,
    1,
    1,
    0,
    0,
    1,
    0,
    1,
    0,
    0,
    0xff,
    0xc0,
    ...u16be(17),
    8,
    ...u16be(height),
    ...u16be(width),
    3,
    1,
    0x22,
    0,
    2,
    0x11,
    1,
    3,
    0x11,
    1,
    0xff,
    0xd9,
  ])
}

export function bmpHeader(width: number, height: number): Uint8Array {
  return new Uint8Array([
    0x42,
    0x4d,
    ...u32le(54),
    0,
    0,
    0,
    0,
    ...u32le(54),
    ...u32le(40),
    ...u32le(width),
    ...u32le(height),
    1,
    0,
    24,
    0,
    ...u32le(0),
    ...u32le(0),
    ...u32le(0),
    ...u32le(0),
    ...u32le(0),
    ...u32le(0),
  ])
}

export function webpHeader(width: number, height: number): Uint8Array {
  return new Uint8Array([
    0x52,
    0x49,
    0x46,
    0x46,
    ...u32le(22),
    0x57,
    0x45,
    0x42,
    0x50,
    0x56,
    0x50,
    0x38,
    0x58,
    ...u32le(10),
    0,
    0,
    0,
    0,
    ...u24le(width - 1),
    ...u24le(height - 1),
  ])
}

export const gifHeader = (): Uint8Array =>
  new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x58, 0x02, 0x20, 0x03, 0, 0, 0])

export const tiffHeader = (): Uint8Array => new Uint8Array([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0])

/** A segment: marker 0xFF `marker`, its 16-bit length (which counts itself), then `payload`. */
const segment = (marker: number, payload: number[]) => [
  0xff,
  marker,
  ...u16be(payload.length + 2),
  ...payload,
]

/** A baseline frame header (SOF0) for one grey component. */
const frameHeader = (width: number, height: number) =>
  segment(0xc0, [8, ...u16be(height), ...u16be(width), 1, 1, 0x11, 0])

/**
 * A JPEG whose markers lie (issue 19): SOI, APP0, a standalone TEM marker (FF 01, no length), the
 * real SOF0, tables, then an APP1 hiding a decoy SOF0 exactly where a parser that reads TEM as a
 * sized segment lands (it takes the real SOF0's FF C0 for TEM's length, 65472), a whole scan and
 * EOI. libjpeg decodes it as a flat grey `real` image; image-size reads `decoy`.
 */
export function jpegWithDecoyFrame(
  real: { width: number; height: number },
  decoy: { width: number; height: number },
): Uint8Array {
  const jfif = segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0])
  const quantization = segment(0xdb, [0, ...Array<number>(64).fill(1)])
  // One code each, "0": DC difference 0 and AC end-of-block, so every block is two 0 bits.
  const huffman = segment(0xc4, [
    0x00,
    1,
    ...Array<number>(15).fill(0),
    0x00,
    0x10,
    1,
    ...Array<number>(15).fill(0),
    0x00,
  ])
  const head = [0xff, 0xd8, ...jfif, 0xff, 0x01]
  const tem = head.length - 2
  const before = [...head, ...frameHeader(real.width, real.height), ...quantization, ...huffman]
  const lands = tem + 2 + (((before[tem + 2] ?? 0) << 8) | (before[tem + 3] ?? 0))
  const identifier = [...new TextEncoder().encode('http://ns.adobe.com/xap/1.0/'), 0]
  const payloadAt = before.length + 4
  const decoyFrame = frameHeader(decoy.width, decoy.height)
  const filler = lands - payloadAt - identifier.length
  if (filler < 0 || lands + decoyFrame.length - payloadAt > 65533)
    throw new Error('the decoy does not fit in one APP1 segment')
  const app1 = segment(0xe1, [...identifier, ...Array<number>(filler).fill(0x20), ...decoyFrame])
  const scanHeader = segment(0xda, [1, 1, 0x00, 0, 63, 0])
  const blocks = Math.ceil(real.width / 8) * Math.ceil(real.height / 8)
  const markers = [...before, ...app1, ...scanHeader]
  const file = new Uint8Array(markers.length + Math.ceil(blocks / 4) + 2)
  file.set(markers)
  file.set([0xff, 0xd9], file.length - 2)
  return file
}
