import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DIST, ROOT } from './harness.js'

/** A Node older than the action needs: one `npm run test:nodes` installed, else the system's. */
function olderNode(): string | undefined {
  const candidates = [
    join(ROOT, '.cache/nodes/20.19.0/node_modules/node/bin/node'),
    '/usr/bin/node',
    '/usr/local/bin/node',
  ]
  for (const node of candidates) {
    if (!existsSync(node)) continue
    const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()
    if (Number(/^v(\d+)/.exec(version)?.[1] ?? '99') < 22) return node
  }
  return undefined
}

const node = olderNode()
// In CI a missing older Node fails the test instead of skipping it (.ci/run installs one).
const skip = node === undefined && process.env.CI !== 'true'

describe('dist/index.js on a Node older than it needs', () => {
  it.skipIf(skip)(
    'fails the step in one line naming the Node it needs (no Node < 22 here: skipped)',
    () => {
      const run = spawnSync(node ?? 'no-older-node-found', [DIST], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', GITHUB_ACTIONS: 'true' },
      })
      const version = execFileSync(node ?? '', ['--version'], { encoding: 'utf8' }).trim()
      expect(run.status).toBe(1)
      expect(run.stderr).toBe('')
      expect(run.stdout).toBe(
        `::error::animate-anyone-check needs Node >= 22.19.0 (runners use node24); this is ${version}. Locally: node_modules/.bin/node dist/index.js\n`,
      )
    },
  )
})
