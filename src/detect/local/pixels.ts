/** Decoded pixels: `channels` bytes per pixel, row-major. */
export interface Pixels {
  data: Uint8Array | Uint8ClampedArray
  width: number
  height: number
  channels: number
}

/** The same photo small enough for the pose model: RGB as int32, plus its mean luma. */
export interface WorkingImage {
  rgb: Int32Array
  width: number
  height: number
  meanLuma: number
}
