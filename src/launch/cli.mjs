#!/usr/bin/env node
// aa-check's entry (package.json `bin`, copied to dist/cli.js). It checks the Node version before
// loading the bundle, so an older Node prints one line instead of a stack trace from deep inside a
// dependency.
/* global process */
import { MINIMUM, nodeTooOld } from './node-version.mjs'

if (nodeTooOld()) {
  process.stderr.write(`aa-check needs Node >= ${MINIMUM}; this is ${process.version}.\n`)
  process.exitCode = 2
} else {
  import('./cli-main.js').catch((error) => {
    process.stderr.write(`aa-check: could not start: ${error && error.message}\n`)
    process.exitCode = 2
  })
}
