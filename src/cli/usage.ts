import { INPUT_DEFAULTS } from '../config/config.js'
import { SERVE_DEFAULTS, SERVE_KEY_ENV } from '../config/defaults.js'

const DETECTION_HELP = `Detection options:
  --backend local|dashscope       default: dashscope when a key is given, else local
  --endpoint URL                  DashScope aa-detect endpoint (or an aa-check serve)
                                  default: ${INPUT_DEFAULTS.endpoint}
  --api-key KEY                   DashScope key; prefer the DASHSCOPE_API_KEY environment variable
                                  (a command line is readable by every local user)
  --model NAME                    default: ${INPUT_DEFAULTS.model}
  --require-bodystyle any|full|half   a pass of the other body style is rejected; default: ${INPUT_DEFAULTS['require-bodystyle']}
  --concurrency N                 images at once; default: ${INPUT_DEFAULTS.concurrency}
  --timeout SECONDS               per download or request; default: ${INPUT_DEFAULTS.timeout}
  --include GLOBS                 images to take from walked directories (comma or newline
                                  separated); default: ${INPUT_DEFAULTS.include}
  --exclude GLOBS                 paths never to check
  --accept BLOBSHA|PATH@BLOBSHA   reviewed content whose rejection is accepted (repeatable;
                                  git hash-object PATH prints a file's blob SHA)
  -h, --help                      this help`

const EXIT = 'Exit status: 0 every image passed, 1 an image was rejected, 2 an error or bad usage.'

const OUTPUT_HELP = `  --format markdown|json          default: markdown
  --output FILE                   write the report to FILE instead of stdout`

export const COMMAND_HELP: Record<string, string> = {
  check: `Usage: aa-check check [options] PATH_OR_URL...

Checks photos with the AnimateAnyone rules, with the embedded detector unless a DashScope key is
set (DASHSCOPE_API_KEY): then local files are uploaded to DashScope's temporary storage. Directories
are walked for images (in a git work tree, the files git shows: .gitignore is honoured); results
are printed in the order named, then the rejected files once more.

  --json                          print exactly one JSON array on stdout instead of lines
  --explain                       show what the local detector measured and the rule that
                                  decided (with --json: an "evidence" field per image)
  --html FILE                     write the evidence gallery: one self-contained HTML page with
                                  every photo and what the detector saw drawn on it

${DETECTION_HELP}

${EXIT}`,
  audit: `Usage: aa-check audit DIR [options]

Checks every image under DIR and writes the report the PR comment shows.

${OUTPUT_HELP}
  --shard I/N                     check only shard I of N (by content: equal files together)
  --results-file FILE             write the results for 'aa-check merge'
  --html FILE                     write the evidence gallery (one self-contained HTML page)

${DETECTION_HELP}

${EXIT}`,
  merge: `Usage: aa-check merge RESULTS_FILE... [options]

Merges the results files of shards 1..N of one run (audit --results-file, or the action's
results-file) into the report one unsharded run writes. Runs no detection.

${OUTPUT_HELP}
  -h, --help                      this help

${EXIT}`,
  serve: `Usage: aa-check serve [options]

Answers DashScope's aa-detect API (and its temporary-storage upload flow) with the embedded
detector, so the action or any DashScope client can point its endpoint at it.

  --host ADDRESS                  default: ${SERVE_DEFAULTS.host}
  --port N                        default: ${SERVE_DEFAULTS.port} (0: any free port)
  --api-key-file FILE             the key clients must send (Authorization: Bearer KEY), read from
                                  FILE; or set $${SERVE_KEY_ENV}. Prefer either to --api-key:
                                  the command line is readable by every local user (/proc)
  --api-key KEY                   the same key on the command line
  --model NAME                    the model requests must name; default: ${INPUT_DEFAULTS.model}
  --concurrency N                 detections at once; default: one per core
  --queue N                       downloaded images waiting for a detection; default: ${SERVE_DEFAULTS.queue}
  --downloads N                   image downloads at once; default: ${SERVE_DEFAULTS.downloads}
  --download-queue N              requests waiting for a download; default: ${SERVE_DEFAULTS.downloadQueue}
  --fetch-timeout SECONDS         deadline of a whole image download; default: ${SERVE_DEFAULTS.fetchTimeoutSeconds}
  --upload-store-mb N             memory for uploaded images (oss:// URLs); default: ${SERVE_DEFAULTS.uploadStoreMb}
  --upload-timeout SECONDS        deadline of an upload's whole body; default: ${SERVE_DEFAULTS.uploadTimeoutSeconds}
  --upload-min-rate KB            KB/s an upload must average from its 5th second on; slower
                                  ones are cut off; default: ${SERVE_DEFAULTS.uploadMinRateKb}
  --uploads-per-client N          uploads in flight from one client address; default: ${SERVE_DEFAULTS.uploadsPerClient}
  --allow-private                 let image URLs reach private and special-purpose addresses
  --no-auth                       serve without a key on an address beyond loopback (anyone who
                                  can reach it can use it); without a key serve listens only on
                                  a loopback address, and says that any local process can use it
  -h, --help                      this help`,
}

export const USAGE = `Usage: aa-check <command> [options]

Commands:
  check PATH_OR_URL...   check photos (files, directories, URLs)
  audit DIR              check every image under DIR; write the PR comment's report
  merge RESULTS_FILE...  merge the results of audit shards into one report
  serve                  answer DashScope's aa-detect API with the embedded detector

Run 'aa-check <command> --help' for a command's options; 'aa-check --version' (-v) for the version.`
