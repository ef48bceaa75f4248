/** A photo small enough to inline in the gallery: a JPEG `data:` URI and its size in pixels. */
export interface Thumbnail {
  /** `data:image/jpeg;base64,…` */
  src: string
  width: number
  height: number
  /** The JPEG's size in bytes (the URI is 4/3 of it). */
  bytes: number
}

export interface ThumbnailOptions {
  /** Longest side in pixels (never upscaled). */
  maxSide: number
  /** JPEG quality, 0–100. */
  quality: number
  /** A thumbnail's JPEG may not be larger: lower qualities, then smaller sides, are tried. */
  maxBytes: number
}

/**
 * A few hundred pixels on the long side at quality 70 is about 10–20 KB for a photo; 24 KiB bounds
 * the noisy ones, so a card's image is at most 32 KiB of base64.
 */
export const THUMBNAIL_DEFAULTS: ThumbnailOptions = {
  maxSide: 256,
  quality: 70,
  maxBytes: 24 * 1024,
}
