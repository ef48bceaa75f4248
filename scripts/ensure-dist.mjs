// Rebuilds dist/ before the e2e tests when its inputs (src/, scripts/build.mjs, package-lock.json)
// are newer than dist/index.js, so `npm test` after an edit never tests a stale bundle. In CI it
// never rebuilds: CI tests the committed bundle, and .ci/run fails when that differs from what
// src/ builds to. Runs as the e2e project's vitest globalSetup, or on its own: node scripts/ensure-dist.mjs
import { execFileSync } from 'node:child_process'
import console from 'node:console'
import { readdirSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import process from 'node:process'
import { URL, fileURLToPath } from 'node:url'

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)))
const INPUTS = ['src', 'scripts/build.mjs', 'package-lock.json']
const BUNDLE = 'dist/index.js'

/** The newest file under `path` (a file or a directory), or undefined when there is none. */
function newest(path) {
  let info
  try {
    info = statSync(path)
  } catch {
    return undefined
  }
  if (!info.isDirectory()) return { path, mtimeMs: info.mtimeMs }
  let found
  for (const entry of readdirSync(path)) {
    const candidate = newest(join(path, entry))
    if (candidate !== undefined && (found === undefined || candidate.mtimeMs > found.mtimeMs))
      found = candidate
  }
  return found
}

/** Why dist/ is stale (an input newer than the bundle, or no bundle), or undefined when fresh. */
export function staleReason(root = ROOT) {
  const bundle = newest(join(root, BUNDLE))
  if (bundle === undefined) return `${BUNDLE} is missing`
  for (const input of INPUTS) {
    const changed = newest(join(root, input))
    if (changed !== undefined && changed.mtimeMs > bundle.mtimeMs)
      return `${relative(root, changed.path).split('\\').join('/')} is newer than ${BUNDLE}`
  }
  return undefined
}

/** Whether this runs in CI (GitHub Actions and most others set CI=true). */
export function isCi(env = process.env) {
  const value = (env.CI ?? '').trim().toLowerCase()
  return value !== '' && value !== 'false' && value !== '0'
}

/**
 * Makes sure the e2e tests run the bundle src/ builds to: 'fresh' (nothing to do), 'rebuilt', or
 * 'committed' (CI: the committed bundle is tested as it is). Says which in one line.
 */
export function ensureDist({
  root = ROOT,
  env = process.env,
  log = (line) => console.log(line),
  build = () =>
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], {
      cwd: root,
      stdio: 'inherit',
    }),
} = {}) {
  if (isCi(env)) {
    log('ensure-dist: CI is set: testing the committed dist/ bundle, without rebuilding it.')
    return 'committed'
  }
  const reason = staleReason(root)
  if (reason === undefined) {
    log('ensure-dist: dist/ is up to date with src/.')
    return 'fresh'
  }
  log(`ensure-dist: ${reason}: rebuilding dist/ (node scripts/build.mjs) before the e2e tests.`)
  build()
  return 'rebuilt'
}

/** vitest globalSetup of the e2e project. */
export function setup() {
  ensureDist()
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureDist()
}
