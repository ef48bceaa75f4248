import type { Config } from '../config/config.js'
import { GatherError } from '../core/errors.js'
import type { Logger } from '../core/log.js'
import { describeShard, inShard } from '../core/shard.js'
import type { ImageFile } from '../core/types.js'

/**
 * This run's part of the images: its shard (by blob sha, so that every path of one content is in
 * the same shard and detected once), refused whole when it is more than max-images.
 */
export function selectShard(
  images: readonly ImageFile[],
  config: Pick<Config, 'shard' | 'maxImages'>,
  log: Logger,
): ImageFile[] {
  const { shard } = config
  const sharded = shard.count > 1
  const mine = sharded ? images.filter((image) => inShard(image.sha, shard)) : [...images]
  if (sharded)
    log.info(`Shard ${describeShard(shard)}: ${mine.length} of ${images.length} image(s).`)
  if (mine.length > config.maxImages) {
    throw new GatherError(
      `Found ${mine.length} images to check${sharded ? ` in shard ${describeShard(shard)}` : ''}, more than max-images (${config.maxImages}). ` +
        `Raise the "max-images" input${sharded ? ', use more shards' : ''} or narrow "include"/"exclude"; nothing was checked.`,
    )
  }
  return mine
}
