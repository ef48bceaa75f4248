// The action's entry (action.yml `main`). It checks the Node version before loading the bundle,
// in syntax every Node since 12 parses, so running dist/index.js on an older Node (a developer's
// `node dist/index.js`) fails the step in one line instead of a stack trace from deep inside a
// dependency. Runners run it on node24 (action.yml). Keep MINIMUM equal to package.json's
// engines.node (a unit test checks it).
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
  process.stdout.write(
    `::error::animate-anyone-check needs Node >= ${MINIMUM} (runners use node24); this is ${process.version}. Locally: node_modules/.bin/node dist/index.js\n`,
  )
  process.exitCode = 1
} else {
  import('./action-main.js').catch((error) => {
    process.stdout.write(
      `::error::animate-anyone-check could not start: ${error && error.message}\n`,
    )
    process.exitCode = 1
  })
}
