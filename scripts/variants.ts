import { toWorkingImage, type Pixels } from '../src/detect/local/decode.js'

/** The photo mirrored left to right (for `npm run calibrate -- --mirror`). Pure. */
export function mirror(pixels: Pixels): Pixels {
  const { width, height, channels } = pixels
  const data = new Uint8Array(pixels.data.length)
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const from = (y * width + x) * channels
      data.set(pixels.data.subarray(from, from + channels), (y * width + width - 1 - x) * channels)
    }
  return { data, width, height, channels }
}

/**
 * The photo at `factor` of its size, RGB, through the pipeline's own box filter: the same scene as
 * a camera of lower resolution would take it (for `npm run calibrate -- --scale F`). Pure.
 */
export function shrink(pixels: Pixels, factor: number): Pixels {
  const longest = Math.max(pixels.width, pixels.height)
  const small = toWorkingImage(pixels, Math.max(1, Math.round(longest * factor)))
  return { data: Uint8Array.from(small.rgb), width: small.width, height: small.height, channels: 3 }
}
