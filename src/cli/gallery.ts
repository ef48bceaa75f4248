import { safeText } from '../core/untrusted.js'
import type { LocalTarget } from '../gather/local-files.js'
import { writeGallery } from '../report/gallery/build.js'
import { describeScope, type RunReport } from '../report/run-report.js'
import { resolveLocalTarget } from '../resolve/local-image.js'
import type { CliIo } from './io.js'

/** `--html FILE`: the evidence gallery of a local run, its thumbnails read from the same files. */
export async function writeCliGallery(
  file: string,
  report: RunReport,
  targets: readonly LocalTarget[],
  timeoutMs: number,
  io: CliIo,
): Promise<void> {
  const readers = new Map(
    targets.map((target) => [target.path, resolveLocalTarget(target, timeoutMs).readBytes]),
  )
  const written = await writeGallery(
    file,
    report.results.map((result) => {
      const readBytes = readers.get(result.path)
      return readBytes === undefined ? { result } : { result, readBytes }
    }),
    { title: describeScope(report), detector: report.detector },
  )
  io.stderr(
    `Wrote ${safeText(written.path)}: the evidence gallery of ${written.cards} image${written.cards === 1 ? '' : 's'}${written.left > 0 ? ` (${written.left} left out)` : ''}.\n`,
  )
}
