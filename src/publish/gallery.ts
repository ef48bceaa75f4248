import { relative } from 'node:path'
import type { Config } from '../config/config.js'
import { errorMessage } from '../core/errors.js'
import { safeText } from '../core/untrusted.js'
import { writeGallery } from '../report/gallery/build.js'
import { describeScope, type RunReport } from '../report/run-report.js'
import type { ActionIo } from './action-io.js'

/** How an image's bytes are read again for its thumbnail, by path. */
export type BytesByPath = ReadonlyMap<string, () => Promise<Uint8Array>>

/**
 * Writes the `gallery` page and sets its output. A gallery that cannot be written warns: it is a
 * view of the report, and the check's outcome never depends on it. Returns the path the report's
 * footer names (relative to the workspace), or undefined when none was written.
 */
export async function publishGallery(
  report: RunReport,
  readBytes: BytesByPath,
  config: Pick<Config, 'gallery' | 'workspace'>,
  io: ActionIo,
): Promise<string | undefined> {
  const file = config.gallery
  if (file === undefined) return undefined
  try {
    const written = await io.group('Writing the evidence gallery', () =>
      writeGallery(
        file,
        report.results.map((result) => {
          const read = readBytes.get(result.path)
          return read === undefined ? { result } : { result, readBytes: read }
        }),
        { title: describeScope(report), detector: report.detector },
      ),
    )
    io.setOutput('gallery', written.path)
    io.info(
      `Evidence gallery ${safeText(written.path)}: ${written.cards} image(s), ${written.thumbnails} with a thumbnail${written.left > 0 ? `, ${written.left} left out` : ''}.`,
    )
    const shown =
      config.workspace === undefined ? written.path : relative(config.workspace, written.path)
    return shown.startsWith('..') ? written.path : shown
  } catch (error) {
    io.warning(
      `Could not write the evidence gallery ${safeText(file)}: ${safeText(errorMessage(error))}`,
    )
    return undefined
  }
}
