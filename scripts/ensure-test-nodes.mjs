// The CLI promises to run on Node >= 22.19.0 and to say so in one line on older ones. The e2e tests
// prove both with those exact versions, installed once from the npm registry (the `node` package,
// as package.json's own Node 24 is) into .cache/nodes/.
/* global console */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'

export const TEST_NODES = { oldest: '22.19.0', tooOld: '20.19.0' }

for (const version of Object.values(TEST_NODES)) {
  const prefix = join('.cache', 'nodes', version)
  if (existsSync(join(prefix, 'node_modules', 'node', 'bin', 'node'))) continue
  mkdirSync(prefix, { recursive: true })
  console.log(`Installing node@${version} into ${prefix} for the CLI's Node version tests…`)
  execFileSync(
    'npm',
    [
      'install',
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      '--prefix',
      prefix,
      `node@${version}`,
    ],
    { stdio: 'inherit' },
  )
}
