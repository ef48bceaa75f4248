/**
 * An image ready for a detector: where its result is listed, the URL a service fetches it from,
 * and how its bytes are read for backends that read them themselves.
 */
export interface ResolvedImage {
  /** The repository path (or the file or URL the CLI was given) its result is listed under. */
  path: string
  /** Public URL of the image (a `file:` URL for a local file). */
  url: string
  /** Git blob sha of the content, when known before reading: equal content is detected once. */
  sha: string | undefined
  /** Size in bytes when known before reading (a local file's stat): oversized files are never read. */
  size?: number
  readBytes: () => Promise<Uint8Array>
}
