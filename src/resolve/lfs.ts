import type { HeadCommit, ImageFile } from '../core/types.js'
import { readBlob, type Octokit } from '../github/api.js'
import { isLfsPointer } from '../gather/paths.js'

/**
 * Reads the blobs of the `unprobed` images that `wanted` selects (the ones about to be detected)
 * and marks those that are LFS pointers; the rest are returned as they are.
 */
export async function probeLfsPointers(
  octokit: Octokit,
  head: HeadCommit,
  images: readonly ImageFile[],
  wanted: (image: ImageFile) => boolean,
): Promise<ImageFile[]> {
  const probes = new Map<string, Promise<boolean>>()
  const isPointer = (sha: string) => {
    let probe = probes.get(sha)
    if (probe === undefined) {
      probe = readBlob(octokit, head.gitRepo, sha).then(isLfsPointer)
      probes.set(sha, probe)
    }
    return probe
  }
  return Promise.all(
    images.map(async (image) => {
      if (image.unprobed !== true || !wanted(image)) return image
      const { unprobed: _unprobed, ...probed } = image
      return { ...probed, lfs: await isPointer(image.sha) }
    }),
  )
}
