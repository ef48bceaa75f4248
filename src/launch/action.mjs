// The action's entry (action.yml `main`, copied to dist/index.js). It checks the Node version
// before loading the bundle, so running dist/index.js on an older Node (a developer's
// `node dist/index.js`) fails the step in one line instead of a stack trace from deep inside a
// dependency. Runners run it on node24 (action.yml).
/* global process */
import { MINIMUM, nodeTooOld } from './node-version.mjs'

if (nodeTooOld()) {
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
