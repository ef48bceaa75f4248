import type { ImageFile } from '../core/types.js'
import { readImageBytes, type ImageSourceOptions } from './image-bytes.js'
import { resolveImageUrl } from './url.js'
import type { ResolvedImage } from './resolved-image.js'

/**
 * A repository image as a detector takes it: its URL from the base-url template (at the commit,
 * the link's target for a symbolic link) and its bytes from the checkout, the API or the URL.
 */
export function resolveRepositoryImage(
  image: ImageFile,
  baseUrl: string,
  source: ImageSourceOptions,
): ResolvedImage {
  const { head } = source
  const url = resolveImageUrl(
    baseUrl,
    { ...head.repo, sha: head.sha, ref: head.ref, path: image.target ?? image.path },
    image.lfs,
  )
  return {
    path: image.path,
    url,
    sha: image.sha,
    readBytes: () => readImageBytes(source, image, url),
  }
}
