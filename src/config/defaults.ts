/**
 * The service's limits and `aa-check serve`'s defaults, in one place: the local detector, the
 * report's explanations, the CLI's usage text and the README are built from (or checked against)
 * these values. The inputs' defaults live beside their parser, in config.ts.
 */

/** What DashScope's aa-detect accepts; the local detector enforces the same. */
export const SERVICE_LIMITS = {
  /** The longest side must be under this many pixels. */
  maxLongestSide: 4096,
  /** The shortest side must be over this many pixels. */
  minShortestSide: 224,
  /** Larger files are refused (InvalidFile.Size) before any decoding. */
  maxFileBytes: 5 * 1024 * 1024,
  formats: ['JPEG', 'JPG', 'PNG', 'BMP', 'WEBP'],
  /** Requests per second per account. */
  requestsPerSecond: 5,
} as const

/** `aa-check serve`'s defaults. */
export const SERVE_DEFAULTS = {
  host: '127.0.0.1',
  port: 8080,
  queue: 16,
  downloads: 8,
  downloadQueue: 32,
  fetchTimeoutSeconds: 10,
  uploadStoreMb: 128,
  /** Seconds an upload's whole body may take. */
  uploadTimeoutSeconds: 60,
  /** KB/s an upload's body must average, from its 5th second on. */
  uploadMinRateKb: 16,
  uploadsPerClient: 4,
} as const

/** Where `aa-check serve` also takes the key clients must send (argv is readable by all users). */
export const SERVE_KEY_ENV = 'AA_CHECK_SERVE_API_KEY'
