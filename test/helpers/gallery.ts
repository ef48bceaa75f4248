/**
 * A gallery of the repository's fixture photos as a real run makes it: the local detector (its
 * worker threads, with evidence) on each photo, an EXIF-rotated copy among them, a DashScope-style
 * verdict (no evidence), a file that could not be checked and a hostile file name. Shared by the
 * browser test and `scripts/screenshot-gallery.ts`.
 */
import { LocalDetector } from '../../src/detect/local/detector.js'
import { decideImage, type ImageResult } from '../../src/decide/decide.js'
import { detectAll } from '../../src/detect/run.js'
import type { ResolvedImage } from '../../src/resolve/resolved-image.js'
import {
  buildGallery,
  type BuiltGallery,
  type GallerySource,
} from '../../src/report/gallery/build.js'
import { assets, encodeJpeg, jpegWithOrientation, photo, rgbaOf, storedFor } from './images.js'

/** A name that would run script if it reached the page unescaped. */
export const HOSTILE_NAME = 'characters/mallory/<img src=x onerror=alert(1)>.jpg'

export interface FixtureGallery extends BuiltGallery {
  /** Every result on the page, in input order. */
  results: ImageResult[]
}

/** The photos, under repository-like paths, and what each is for. */
async function fixtureFiles(): Promise<Record<string, Uint8Array>> {
  // Stored turned a quarter, with EXIF orientation 6: shown (and detected) upright.
  const turned = jpegWithOrientation(
    await encodeJpeg(storedFor(await rgbaOf('full-body.jpg'), 6), { quality: 80 }),
    6,
  )
  return {
    'characters/alice/front.jpg': await photo('full-body.jpg'),
    'characters/bob/portrait.jpg': await photo('half-body.jpg'),
    'characters/carol/sitting.jpg': await photo('sitting.jpg'),
    'characters/erin/background.jpg': await photo('no-person.jpg'),
    'characters/frank/thumbnail.jpg': await photo('too-small.jpg'),
    'characters/heidi/standing.webp': await photo('standing.webp'),
    'characters/ivan/phone-exif-6.jpg': turned,
    [HOSTILE_NAME]: await photo('sitting.jpg'),
  }
}

/** Runs the local detector over the fixtures and builds the gallery page. */
export async function fixtureGallery(): Promise<FixtureGallery> {
  const files = await fixtureFiles()
  const detector = new LocalDetector(2, assets, { workers: 2 })
  let detected: ImageResult[]
  try {
    const images: ResolvedImage[] = Object.entries(files).map(([path, bytes]) => ({
      path,
      url: `https://example.com/${encodeURIComponent(path)}`,
      sha: undefined,
      size: bytes.length,
      readBytes: () => Promise.resolve(bytes),
    }))
    const { detections } = await detectAll(images, { detector })
    detected = images.map((image, index) =>
      decideImage(image, detections[index] ?? { status: 'error' }, {
        requireBodystyle: 'any',
        accept: [],
        keepEvidence: true,
      }),
    )
  } finally {
    await detector.close()
  }
  const service: ImageResult = {
    path: 'characters/grace/studio.jpg',
    url: 'https://example.com/grace.jpg',
    status: 'reject',
    bodystyle: null,
    code: 'InvalidFile.FacePose',
    message: 'The face is not facing the camera. </script><script>alert(1)</script>',
    requestId: 'b6c4e0d2-0000-4000-8000-000000000000',
    sha: null,
  }
  const unchecked: ImageResult = {
    path: 'characters/judy/busy.jpg',
    url: 'https://example.com/judy.jpg',
    status: 'error',
    bodystyle: null,
    code: 'ServiceUnavailable',
    message: 'The service is busy, try again later.',
    requestId: null,
    sha: null,
  }
  const bytesOf = (path: string) => files[path]
  const sources: GallerySource[] = [
    ...detected.map((result) => {
      const bytes = bytesOf(result.path)
      return bytes === undefined ? { result } : { result, readBytes: () => Promise.resolve(bytes) }
    }),
    { result: service, readBytes: () => photo('half-body.jpg') },
    { result: unchecked },
  ]
  const built = await buildGallery(sources, {
    title: 'acme/photos #42',
    detector: 'the local detector (DashScope for studio.jpg)',
  })
  return { ...built, results: sources.map((s) => s.result) }
}
