#!/usr/bin/env node
// aa-check's entry. It checks the Node version before loading the bundle, in syntax every Node
// since 12 parses, so an older Node prints one line instead of a stack trace from deep inside a
// dependency. Keep MINIMUM equal to package.json's engines.node (a unit test checks it).
/* global process */
const MINIMUM = '22.19.0'

const parts = (version) => version.split('.').map((part) => Number.parseInt(part, 10) || 0)
const [major, minor, patch] = parts(process.versions.node)
const [needMajor, needMinor, needPatch] = parts(MINIMUM)
const tooOld =
  major !== needMajor
    ? major < needMajor
    : minor !== needMinor
      ? minor < needMinor
      : patch < needPatch

if (tooOld) {
  process.stderr.write(`aa-check needs Node >= ${MINIMUM}; this is ${process.version}.\n`)
  process.exitCode = 2
} else {
  import('./cli-main.js').catch((error) => {
    process.stderr.write(`aa-check: could not start: ${error && error.message}\n`)
    process.exitCode = 2
  })
}
