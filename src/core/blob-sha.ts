import { createHash, type Hash } from 'node:crypto'

/** Git's object header for a blob of `size` bytes: the sha of a blob covers it and the bytes. */
const blobHash = (size: number): Hash => createHash('sha1').update(`blob ${size}\0`)

/** The git blob sha of some bytes, as `git hash-object` prints it. */
export function gitBlobSha(bytes: Uint8Array): string {
  return blobHash(bytes.length).update(bytes).digest('hex')
}

/** The git blob sha of `size` bytes read as chunks (a file is never held whole just to be named). */
export async function gitBlobShaOfChunks(
  size: number,
  chunks: AsyncIterable<Uint8Array>,
): Promise<string> {
  const hash = blobHash(size)
  for await (const chunk of chunks) hash.update(chunk)
  return hash.digest('hex')
}
