import { INPUT_DEFAULTS, SERVE_DEFAULTS } from '../config/defaults.js'

export const USAGE = `Usage:
  aa-check check [options] PATH_OR_URL...
  aa-check audit DIR [--format markdown|json] [--output FILE] [--include GLOBS] [--exclude GLOBS]
                     [--shard I/N] [--results-file FILE] [options]
  aa-check merge RESULTS_FILE... [--format markdown|json] [--output FILE]
  aa-check serve [--host ${SERVE_DEFAULTS.host}] [--port ${SERVE_DEFAULTS.port}] [--api-key KEY] [--concurrency N] [--queue N] [--allow-private]

check   checks photos with the AnimateAnyone rules; directories are walked for images
        (${INPUT_DEFAULTS.include}).
audit   checks every image under DIR (include/exclude as in the action) and writes the report the
        PR comment shows, as Markdown or JSON. --shard I/N checks only shard I of N (by content);
        --results-file writes the results for merge.
merge   merges the results files of shards 1..N of one run (audit --results-file, or the action's
        results-file) into the report one unsharded run writes.
serve   answers DashScope's aa-detect API with the embedded detector.

Options of check and audit:
  --json                          (check) print exactly one JSON array on stdout
  --backend local|dashscope       default: dashscope when a key is given, else local
  --endpoint URL                  DashScope aa-detect endpoint (or an aa-check serve)
  --api-key KEY                   DashScope key (default: $DASHSCOPE_API_KEY); with serve, the key
                                  clients must send
  --model NAME                    default: ${INPUT_DEFAULTS.model}
  --require-bodystyle any|full|half
  --concurrency N                 default: ${INPUT_DEFAULTS.concurrency}
  --timeout SECONDS               default: ${INPUT_DEFAULTS.timeout}
  -h, --help

Exit status of check, audit and merge: 0 every image passed, 1 an image was rejected, 2 an error or bad usage.`
