/**
 * Every default and service limit in one table. action.yml's defaults, the CLI's usage text, the
 * report's explanations and the README are checked against (or built from) these values.
 */

/** The inputs' defaults exactly as action.yml declares them ('' = no default). */
export const INPUT_DEFAULTS = {
  'github-token': '${{ github.token }}',
  'api-key': '',
  backend: 'auto',
  endpoint: 'https://dashscope.aliyuncs.com/api/v1/services/aigc/image2video/aa-detect',
  model: 'animate-anyone-detect-gen2',
  'base-url': 'https://raw.githubusercontent.com/{owner}/{repo}/{sha}/{path}',
  include: '**/*.{jpg,jpeg,png,bmp,webp}',
  exclude: '',
  'require-bodystyle': 'any',
  'fail-on-reject': 'true',
  'on-api-error': 'fail',
  comment: 'always',
  'comment-author': '',
  concurrency: '4',
  timeout: '30',
  mode: 'auto',
  'max-images': '1000',
  'rate-limit': '5',
  'max-retries': '4',
  upload: 'false',
  'record-file': '',
  shard: '1/1',
  'results-file': '',
  'merge-results': '',
  'comment-key': '',
  'max-annotations': '10',
  accept: '',
  'skip-drafts': 'false',
} as const

export type InputName = keyof typeof INPUT_DEFAULTS

export const DEFAULT_ENDPOINT = INPUT_DEFAULTS.endpoint
export const DEFAULT_MODEL = INPUT_DEFAULTS.model
export const DEFAULT_BASE_URL = INPUT_DEFAULTS['base-url']
export const DEFAULT_INCLUDE = INPUT_DEFAULTS.include

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
} as const

/** Where `aa-check serve` also takes the key clients must send (argv is readable by all users). */
export const SERVE_KEY_ENV = 'AA_CHECK_SERVE_API_KEY'
