import type { Pixels } from './pixels.js'

/**
 * A JPEG decoder in plain TypeScript for the files the WebAssembly one (built to give RGBA only)
 * refuses: four-component CMYK and YCCK, as Photoshop and print workflows write them. Huffman-coded
 * baseline, extended and progressive 8-bit frames, any sampling factors, restart intervals; the
 * output is RGB. Throws `JpegError` on anything malformed or cut short.
 */
export class JpegError extends Error {
  override name = 'JpegError'
}

interface HuffmanTable {
  maxCode: Int32Array
  valPtr: Int32Array
  minCode: Int32Array
  values: Uint8Array
}

interface Component {
  id: number
  h: number
  v: number
  tq: number
  blocksPerLine: number
  blocksPerColumn: number
  /** Blocks per coefficient row, padded to whole MCUs. */
  stride: number
  coefficients: Int16Array
  pred: number
  dc: HuffmanTable | undefined
  ac: HuffmanTable | undefined
}

interface Frame {
  progressive: boolean
  width: number
  height: number
  maxH: number
  maxV: number
  mcusPerLine: number
  mcusPerColumn: number
  components: Component[]
}

/** Natural (row-major) index of the k-th coefficient in zig-zag order. */
const ZIGZAG = ((): Int32Array => {
  const order: number[] = []
  for (let sum = 0; sum < 15; sum++) {
    const diagonal: number[] = []
    for (let y = 0; y <= sum; y++) if (y < 8 && sum - y < 8) diagonal.push(y * 8 + sum - y)
    order.push(...(sum % 2 === 0 ? diagonal.reverse() : diagonal))
  }
  return Int32Array.from(order)
})()

const zz = (k: number) => ZIGZAG[k] ?? 0

/** IDCT basis: COSINES[x * 8 + u] = C(u) / 2 · cos((2x + 1)uπ / 16). */
const COSINES = ((): Float64Array => {
  const table = new Float64Array(64)
  for (let x = 0; x < 8; x++)
    for (let u = 0; u < 8; u++)
      table[x * 8 + u] =
        ((u === 0 ? Math.SQRT1_2 : 1) / 2) * Math.cos(((2 * x + 1) * u * Math.PI) / 16)
  return table
})()

const corrupt = (what: string) => new JpegError(`Corrupt JPEG data: ${what}`)

function buildHuffman(counts: Uint8Array, values: Uint8Array): HuffmanTable {
  const maxCode = new Int32Array(18).fill(-1)
  const valPtr = new Int32Array(17)
  const minCode = new Int32Array(17)
  let code = 0
  let k = 0
  for (let length = 1; length <= 16; length++) {
    const n = counts[length - 1] ?? 0
    if (n > 0) {
      valPtr[length] = k
      minCode[length] = code
      code += n
      k += n
      maxCode[length] = code - 1
    }
    code <<= 1
  }
  return { maxCode, valPtr, minCode, values }
}

/** Reads entropy-coded bits, undoing 0xFF00 stuffing; never reads past a marker. */
class BitReader {
  private buffer = 0
  private count = 0

  constructor(
    private readonly data: Uint8Array,
    public position: number,
  ) {}

  bit(): number {
    if (this.count === 0) {
      const byte = this.data[this.position]
      if (byte === undefined) throw new JpegError('Premature end of JPEG file')
      if (byte === 0xff) {
        const next = this.data[this.position + 1]
        if (next !== 0x00) throw corrupt('premature end of data segment')
        this.position += 2
      } else {
        this.position++
      }
      this.buffer = byte
      this.count = 8
    }
    this.count--
    return (this.buffer >> this.count) & 1
  }

  receive(length: number): number {
    let value = 0
    for (let i = 0; i < length; i++) value = (value << 1) | this.bit()
    return value
  }

  /** `receive` then JPEG's EXTEND: the value of a coefficient difference of `length` bits. */
  signed(length: number): number {
    if (length === 0) return 0
    const value = this.receive(length)
    return value < 1 << (length - 1) ? value - (1 << length) + 1 : value
  }

  decode(table: HuffmanTable | undefined): number {
    if (table === undefined) throw corrupt('a scan uses an undefined Huffman table')
    let code = this.bit()
    let length = 1
    while (code > (table.maxCode[length] ?? -1)) {
      if (++length > 16) throw corrupt('bad Huffman code')
      code = (code << 1) | this.bit()
    }
    return table.values[(table.valPtr[length] ?? 0) + code - (table.minCode[length] ?? 0)] ?? 0
  }

  /** Drops the bits left in the current byte and steps over the restart marker that must follow. */
  restart(): void {
    this.count = 0
    let at = this.position
    while (this.data[at] === 0xff && this.data[at + 1] === 0xff) at++
    const marker = this.data[at + 1]
    if (this.data[at] !== 0xff || marker === undefined || marker < 0xd0 || marker > 0xd7)
      throw corrupt('a restart marker is missing')
    this.position = at + 2
  }
}

export function decodeJpeg(data: Uint8Array): Pixels {
  if (data[0] !== 0xff || data[1] !== 0xd8) throw new JpegError('Not a JPEG file')
  const huffman: (HuffmanTable | undefined)[] = new Array<HuffmanTable | undefined>(8)
  const quantization: (Int32Array | undefined)[] = [undefined, undefined, undefined, undefined]
  let frame: Frame | undefined
  let adobe: number | undefined
  let resetInterval = 0
  let at = 2
  for (;;) {
    const ff = data.indexOf(0xff, at)
    if (ff < 0) throw new JpegError('Premature end of JPEG file')
    let m = ff + 1
    while (data[m] === 0xff) m++
    const marker = data[m]
    if (marker === undefined) throw new JpegError('Premature end of JPEG file')
    at = m + 1
    if (marker === 0xd9) break
    if (marker === 0x00 || marker === 0x01 || marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7))
      continue
    const length = ((data[at] ?? 0) << 8) | (data[at + 1] ?? 0)
    const end = at + length
    if (length < 2 || end > data.length) throw new JpegError('Premature end of JPEG file')
    const segment = data.subarray(at + 2, end)
    at = end
    switch (marker) {
      case 0xc4:
        readHuffmanTables(segment, huffman)
        break
      case 0xdb:
        readQuantizationTables(segment, quantization)
        break
      case 0xdd:
        resetInterval = ((segment[0] ?? 0) << 8) | (segment[1] ?? 0)
        break
      case 0xee:
        if (String.fromCharCode(...segment.subarray(0, 5)) === 'Adobe') adobe = segment[11]
        break
      case 0xc0:
      case 0xc1:
      case 0xc2:
        if (frame !== undefined) throw new JpegError('more than one frame (not supported)')
        frame = readFrame(segment, marker === 0xc2)
        break
      case 0xda: {
        if (frame === undefined) throw corrupt('a scan comes before the frame header')
        at = decodeScan(data, at, frame, segment, huffman, resetInterval)
        break
      }
      default:
        if (
          marker >= 0xc3 &&
          marker <= 0xcf &&
          marker !== 0xc4 &&
          marker !== 0xc8 &&
          marker !== 0xcc
        )
          throw new JpegError('lossless, hierarchical and arithmetic-coded JPEG are not supported')
    }
  }
  if (frame === undefined) throw new JpegError('JPEG datastream contains no image')
  return toRgb(frame, quantization, adobe)
}

function readHuffmanTables(segment: Uint8Array, tables: (HuffmanTable | undefined)[]): void {
  let p = 0
  while (p < segment.length) {
    const classAndId = segment[p] ?? 0
    const counts = segment.subarray(p + 1, p + 17)
    const total = counts.reduce((sum, n) => sum + n, 0)
    const values = segment.slice(p + 17, p + 17 + total)
    if (counts.length < 16 || values.length < total) throw corrupt('a Huffman table is cut short')
    // DC tables 0–3, AC tables 4–7.
    tables[(classAndId >> 4 === 0 ? 0 : 4) + (classAndId & 3)] = buildHuffman(counts, values)
    p += 17 + total
  }
}

function readQuantizationTables(segment: Uint8Array, tables: (Int32Array | undefined)[]): void {
  let p = 0
  while (p < segment.length) {
    const precisionAndId = segment[p++] ?? 0
    const wide = precisionAndId >> 4 !== 0
    const table = new Int32Array(64)
    for (let k = 0; k < 64; k++) {
      table[zz(k)] = wide ? ((segment[p] ?? 0) << 8) | (segment[p + 1] ?? 0) : (segment[p] ?? 0)
      p += wide ? 2 : 1
    }
    if (p > segment.length) throw corrupt('a quantization table is cut short')
    tables[precisionAndId & 3] = table
  }
}

function readFrame(segment: Uint8Array, progressive: boolean): Frame {
  if (segment[0] !== 8) throw new JpegError(`${segment[0] ?? 0}-bit JPEG is not supported`)
  const height = ((segment[1] ?? 0) << 8) | (segment[2] ?? 0)
  const width = ((segment[3] ?? 0) << 8) | (segment[4] ?? 0)
  const count = segment[5] ?? 0
  if (width === 0 || height === 0 || count === 0 || segment.length < 6 + count * 3)
    throw corrupt('bad frame header')
  const specs = Array.from({ length: count }, (_, i) => ({
    id: segment[6 + i * 3] ?? 0,
    h: (segment[7 + i * 3] ?? 0) >> 4,
    v: (segment[7 + i * 3] ?? 0) & 15,
    tq: (segment[8 + i * 3] ?? 0) & 3,
  }))
  if (specs.some((c) => c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4))
    throw corrupt('bad sampling factors')
  const maxH = Math.max(...specs.map((c) => c.h))
  const maxV = Math.max(...specs.map((c) => c.v))
  const mcusPerLine = Math.ceil(width / (8 * maxH))
  const mcusPerColumn = Math.ceil(height / (8 * maxV))
  const components = specs.map((c): Component => {
    const stride = mcusPerLine * c.h
    return {
      ...c,
      blocksPerLine: Math.ceil(Math.ceil((width * c.h) / maxH) / 8),
      blocksPerColumn: Math.ceil(Math.ceil((height * c.v) / maxV) / 8),
      stride,
      coefficients: new Int16Array(64 * stride * mcusPerColumn * c.v),
      pred: 0,
      dc: undefined,
      ac: undefined,
    }
  })
  return { progressive, width, height, maxH, maxV, mcusPerLine, mcusPerColumn, components }
}

/** Decodes one scan into the coefficient buffers; returns where the data after it starts. */
function decodeScan(
  data: Uint8Array,
  start: number,
  frame: Frame,
  header: Uint8Array,
  tables: (HuffmanTable | undefined)[],
  resetInterval: number,
): number {
  const count = header[0] ?? 0
  const scan: Component[] = []
  for (let i = 0; i < count; i++) {
    const id = header[1 + i * 2]
    const component = frame.components.find((c) => c.id === id)
    if (component === undefined) throw corrupt('a scan names an unknown component')
    const selectors = header[2 + i * 2] ?? 0
    component.dc = tables[selectors >> 4]
    component.ac = tables[4 + (selectors & 15)]
    scan.push(component)
  }
  const spectralStart = header[1 + count * 2] ?? 0
  const spectralEnd = header[2 + count * 2] ?? 63
  const approximation = header[3 + count * 2] ?? 0
  const high = approximation >> 4
  const low = approximation & 15
  if (!frame.progressive && (spectralStart !== 0 || spectralEnd !== 63))
    throw corrupt('bad spectral selection in a sequential scan')
  if (spectralEnd > 63 || spectralStart > spectralEnd) throw corrupt('bad spectral selection')
  const bits = new BitReader(data, start)
  let eobrun = 0

  const baseline = (c: Component, at: number) => {
    const t = bits.decode(c.dc)
    c.pred += bits.signed(t)
    c.coefficients[at] = c.pred
    for (let k = 1; k < 64;) {
      const rs = bits.decode(c.ac)
      const s = rs & 15
      const r = rs >> 4
      if (s === 0) {
        if (r < 15) break
        k += 16
        continue
      }
      k += r
      if (k > 63) throw corrupt('a block has more than 64 coefficients')
      c.coefficients[at + zz(k)] = bits.signed(s)
      k++
    }
  }
  const dcFirst = (c: Component, at: number) => {
    c.pred += bits.signed(bits.decode(c.dc))
    c.coefficients[at] = c.pred * (1 << low)
  }
  const dcRefine = (c: Component, at: number) => {
    if (bits.bit()) c.coefficients[at] = (c.coefficients[at] ?? 0) | (1 << low)
  }
  const acFirst = (c: Component, at: number) => {
    if (eobrun > 0) {
      eobrun--
      return
    }
    for (let k = spectralStart; k <= spectralEnd;) {
      const rs = bits.decode(c.ac)
      const s = rs & 15
      const r = rs >> 4
      if (s === 0) {
        if (r < 15) {
          eobrun = bits.receive(r) + (1 << r) - 1
          break
        }
        k += 16
        continue
      }
      k += r
      if (k > 63) throw corrupt('a block has more than 64 coefficients')
      c.coefficients[at + zz(k)] = bits.signed(s) * (1 << low)
      k++
    }
  }
  // Successive approximation of AC coefficients, as libjpeg's decode_mcu_AC_refine.
  const acRefine = (c: Component, at: number) => {
    const plus = 1 << low
    const minus = -1 << low
    const coefficients = c.coefficients
    const refine = (index: number) => {
      const value = coefficients[index] ?? 0
      if (bits.bit() && (value & plus) === 0)
        coefficients[index] = value + (value >= 0 ? plus : minus)
    }
    let k = spectralStart
    if (eobrun === 0) {
      for (; k <= spectralEnd; k++) {
        const rs = bits.decode(c.ac)
        let r = rs >> 4
        const s = rs & 15
        let value = 0
        if (s !== 0) {
          value = bits.bit() ? plus : minus
        } else if (r !== 15) {
          eobrun = 1 << r
          if (r > 0) eobrun += bits.receive(r)
          break
        }
        for (; k <= spectralEnd; k++) {
          const index = at + zz(k)
          if ((coefficients[index] ?? 0) !== 0) refine(index)
          else if (r-- === 0) {
            if (value !== 0) coefficients[index] = value
            break
          }
        }
      }
    }
    if (eobrun > 0) {
      for (; k <= spectralEnd; k++) {
        const index = at + zz(k)
        if ((coefficients[index] ?? 0) !== 0) refine(index)
      }
      eobrun--
    }
  }

  const decodeBlock = !frame.progressive
    ? baseline
    : spectralStart === 0
      ? high === 0
        ? dcFirst
        : dcRefine
      : high === 0
        ? acFirst
        : acRefine
  const single = scan.length === 1 ? scan[0] : undefined
  const total =
    single !== undefined
      ? single.blocksPerLine * single.blocksPerColumn
      : frame.mcusPerLine * frame.mcusPerColumn
  for (const c of scan) c.pred = 0
  let mcu = 0
  while (mcu < total) {
    const until = resetInterval > 0 ? Math.min(mcu + resetInterval, total) : total
    for (; mcu < until; mcu++) {
      if (single !== undefined) {
        const row = Math.floor(mcu / single.blocksPerLine)
        const col = mcu % single.blocksPerLine
        decodeBlock(single, 64 * (row * single.stride + col))
        continue
      }
      const mcuRow = Math.floor(mcu / frame.mcusPerLine)
      const mcuCol = mcu % frame.mcusPerLine
      for (const c of scan)
        for (let v = 0; v < c.v; v++)
          for (let h = 0; h < c.h; h++)
            decodeBlock(c, 64 * ((mcuRow * c.v + v) * c.stride + mcuCol * c.h + h))
    }
    if (mcu < total) {
      bits.restart()
      eobrun = 0
      for (const c of scan) c.pred = 0
    }
  }
  return bits.position
}

/** Dequantizes and inverse-transforms one component into 8-bit samples, row-major. */
function samplesOf(c: Component, table: Int32Array): Uint8Array {
  const width = c.blocksPerLine * 8
  const out = new Uint8Array(width * c.blocksPerColumn * 8)
  const block = new Float64Array(64)
  const rows = new Float64Array(64)
  for (let by = 0; by < c.blocksPerColumn; by++) {
    for (let bx = 0; bx < c.blocksPerLine; bx++) {
      const at = 64 * (by * c.stride + bx)
      for (let i = 0; i < 64; i++) block[i] = (c.coefficients[at + i] ?? 0) * (table[i] ?? 0)
      // rows[v * 8 + x] = Σu C(x, u) · F(v, u); then out(x, y) = Σv C(y, v) · rows(v, x).
      for (let v = 0; v < 8; v++)
        for (let x = 0; x < 8; x++) {
          let sum = 0
          for (let u = 0; u < 8; u++) sum += (COSINES[x * 8 + u] ?? 0) * (block[v * 8 + u] ?? 0)
          rows[v * 8 + x] = sum
        }
      for (let y = 0; y < 8; y++) {
        const line = (by * 8 + y) * width + bx * 8
        for (let x = 0; x < 8; x++) {
          let sum = 0
          for (let v = 0; v < 8; v++) sum += (COSINES[y * 8 + v] ?? 0) * (rows[v * 8 + x] ?? 0)
          out[line + x] = Math.max(0, Math.min(255, Math.round(sum + 128)))
        }
      }
    }
  }
  return out
}

function toRgb(
  frame: Frame,
  tables: (Int32Array | undefined)[],
  adobe: number | undefined,
): Pixels {
  const { width, height, components } = frame
  const planes = components.map((c) => {
    const table = tables[c.tq]
    if (table === undefined) throw corrupt('a component uses an undefined quantization table')
    return samplesOf(c, table)
  })
  const columns = components.map((c) =>
    Int32Array.from({ length: width }, (_, x) => Math.floor((x * c.h) / frame.maxH)),
  )
  const count = components.length
  if (count !== 1 && count !== 3 && count !== 4)
    throw new JpegError(`${count}-component JPEG is not supported`)
  // Without an Adobe marker, three components are YCbCr unless named R, G, B; four are plain CMYK.
  const named = components.map((c) => String.fromCharCode(c.id)).join('')
  const ycc = adobe !== undefined ? adobe !== 0 : count === 3 && named !== 'RGB'
  // Adobe writes CMYK inverted (0 is full ink), as libjpeg hands it over.
  const inverted = adobe !== undefined
  const rgb = new Uint8Array(width * height * 3)
  const sample = [0, 0, 0, 0]
  let out = 0
  for (let y = 0; y < height; y++) {
    const lines = components.map((c) => Math.floor((y * c.v) / frame.maxV) * c.blocksPerLine * 8)
    for (let x = 0; x < width; x++) {
      for (let i = 0; i < count; i++)
        sample[i] = planes[i]?.[(lines[i] ?? 0) + (columns[i]?.[x] ?? 0)] ?? 0
      let [r = 0, g = 0, b = 0] = sample
      const k = sample[3] ?? 0
      if (count === 1) {
        g = r
        b = r
      } else if (ycc) {
        const cb = g - 128
        const cr = b - 128
        const luma = r
        r = luma + 1.402 * cr
        g = luma - 0.344136 * cb - 0.714136 * cr
        b = luma + 1.772 * cb
        if (count === 4) {
          // YCCK: the YCbCr part holds the complement of the (inverted) CMY.
          r = 255 - r
          g = 255 - g
          b = 255 - b
        }
      }
      if (count === 4) {
        const clamp = (n: number) => Math.max(0, Math.min(255, n))
        if (inverted) {
          r = (clamp(r) * k) / 255
          g = (clamp(g) * k) / 255
          b = (clamp(b) * k) / 255
        } else {
          r = ((255 - clamp(r)) * (255 - k)) / 255
          g = ((255 - clamp(g)) * (255 - k)) / 255
          b = ((255 - clamp(b)) * (255 - k)) / 255
        }
      }
      rgb[out++] = Math.max(0, Math.min(255, Math.round(r)))
      rgb[out++] = Math.max(0, Math.min(255, Math.round(g)))
      rgb[out++] = Math.max(0, Math.min(255, Math.round(b)))
    }
  }
  return { data: rgb, width, height, channels: 3 }
}
