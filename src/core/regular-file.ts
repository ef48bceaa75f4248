import { constants } from 'node:fs'
import { open } from 'node:fs/promises'
import { parsed, problem, type Parsed } from './result.js'

/**
 * A file's text when it is a regular file of at most `maxBytes` (`what` names it in the problem:
 * "it is larger than any {what}"). A FIFO or a device (`/dev/zero`) is refused before a byte is
 * read, and never more than the size it had when opened is read. Throws what `open` throws
 * (ENOENT included), for the caller to word.
 */
export async function readRegularFile(
  path: string,
  maxBytes: number,
  what: string,
): Promise<Parsed<string>> {
  // O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever.
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK)
  try {
    const info = await handle.stat()
    if (!info.isFile()) return problem('it is not a regular file')
    if (info.size > maxBytes) return problem(`it is larger than any ${what}`)
    const buffer = Buffer.alloc(info.size)
    let filled = 0
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled)
      if (bytesRead === 0) break
      filled += bytesRead
    }
    return parsed(buffer.subarray(0, filled).toString('utf8'))
  } finally {
    await handle.close()
  }
}
