import { resolve } from 'node:path'
import type { ImageResult } from '../../decide/decide.js'
import { locateAssets, type AssetPaths } from '../../detect/local/assets.js'
import { writeFileAtomic } from '../../core/atomic-file.js'
import { errorMessage } from '../../core/errors.js'
import {
  GALLERY_LIMITS,
  orderForGallery,
  renderGallery,
  type GalleryItem,
  type GalleryOptions,
} from './render.js'
import { ThumbnailMaker, THUMBNAIL_DEFAULTS, type ThumbnailOptions } from './thumbnail.js'

/** One checked image: its result, and how to read its bytes again (absent: no thumbnail). */
export interface GallerySource {
  result: ImageResult
  readBytes?: () => Promise<Uint8Array>
}

export interface BuildGalleryOptions extends GalleryOptions {
  /** Where the decoders are; default `locateAssets()` (beside the bundle, or the repository). */
  assets?: AssetPaths
  thumbnail?: ThumbnailOptions
}

export interface BuiltGallery {
  html: string
  /** Cards on the page, and how many of them have a thumbnail. */
  cards: number
  thumbnails: number
  /** Images left out by `maxCards`. */
  left: number
}

/**
 * Codes after which decoding the file again could hang or crash this process, as it did the
 * detector's worker; and a file over the size limit is not read at all.
 */
const NOT_DECODED = new Set(['DetectorTimeout', 'DetectorCrashed', 'InvalidFile.Size'])

/**
 * The gallery page for `sources`: the cards that fit (`maxCards`, rejections first) get a
 * thumbnail, read and decoded one image at a time, so memory holds one decoded photo at once.
 * A file that cannot be read or decoded gets a card that says why.
 */
export async function buildGallery(
  sources: readonly GallerySource[],
  options: BuildGalleryOptions = {},
): Promise<BuiltGallery> {
  const maxCards = options.maxCards ?? GALLERY_LIMITS.maxCards
  const ordered = orderForGallery(sources)
  const shown = ordered.slice(0, maxCards)
  let maker: ThumbnailMaker | undefined
  const items: GalleryItem[] = []
  for (const source of shown) {
    const item: GalleryItem = { result: source.result }
    if (source.readBytes === undefined) item.thumbnailProblem = 'the file was not read'
    else if (NOT_DECODED.has(source.result.code ?? ''))
      item.thumbnailProblem = 'the detector could not read this file either'
    else {
      try {
        maker ??= new ThumbnailMaker(
          options.assets ?? locateAssets(),
          options.thumbnail ?? THUMBNAIL_DEFAULTS,
        )
        const made = await maker.make(await source.readBytes())
        if ('problem' in made) item.thumbnailProblem = made.problem
        else item.thumbnail = made
      } catch (error) {
        item.thumbnailProblem = `the file could not be read (${errorMessage(error)})`
      }
    }
    items.push(item)
  }
  // The rest go in without thumbnails: the page counts them and says they were left out.
  const rest = ordered.slice(maxCards).map((source) => ({ result: source.result }))
  const html = renderGallery([...items, ...rest], { ...options, maxCards })
  return {
    html,
    cards: items.length,
    thumbnails: items.filter((i) => i.thumbnail !== undefined).length,
    left: sources.length - items.length,
  }
}

/**
 * Builds the gallery and writes it to `file` (atomically: a reader never sees half a page).
 * Returns the absolute path written, with the counts.
 */
export async function writeGallery(
  file: string,
  sources: readonly GallerySource[],
  options: BuildGalleryOptions = {},
): Promise<Omit<BuiltGallery, 'html'> & { path: string }> {
  const { html, ...counts } = await buildGallery(sources, options)
  const path = resolve(file)
  await writeFileAtomic(path, html)
  return { path, ...counts }
}
