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
