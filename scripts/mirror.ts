import type { Pixels } from '../src/detect/local/pixels.js'

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
