// Rebuilds dist/ before the e2e tests when its inputs (src/, models/, scripts/build.mjs,
// package-lock.json) are not the ones it was built from, so `npm test` after an edit never tests a
// stale bundle, and a fresh clone (whose file times say nothing) never rebuilds a current one. The
// build writes the inputs' hash to dist/inputs.sha256. In CI it never rebuilds: CI tests the
// committed bundle, and .ci/run fails when that differs from what src/ builds to. Runs as the e2e
// project's vitest globalSetup, or on its own: node scripts/ensure-dist.mjs
import { execFileSync } from 'node:child_process'
import console from 'node:console'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import process from 'node:process'
import { URL, fileURLToPath } from 'node:url'

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)))
const INPUTS = ['src', 'models', 'scripts/build.mjs', 'package-lock.json']
export const HASH_FILE = 'dist/inputs.sha256'

/** Every file under `path` (a file or a directory), relative to `root`, sorted. */
function filesUnder(root, path) {
  let info
  try {
    info = statSync(join(root, path))
  } catch {
    return []
  }
  if (!info.isDirectory()) return [path]
  return readdirSync(join(root, path))
    .sort()
    .flatMap((entry) => filesUnder(root, `${path}/${entry}`))
}

/** sha256 of the build's inputs: every file's path and content, in path order. */
export function inputsHash(root = ROOT) {
  const hash = createHash('sha256')
  for (const file of INPUTS.flatMap((input) => filesUnder(root, input))) {
    hash
      .update(`${file}\0`)
      .update(readFileSync(join(root, file)))
      .update('\0')
  }
  return hash.digest('hex')
}

/** Why dist/ is stale (its inputs changed since the build, or no bundle), or undefined when fresh. */
export function staleReason(root = ROOT) {
  let built
  try {
    built = readFileSync(join(root, HASH_FILE), 'utf8').trim()
  } catch {
    return `${HASH_FILE} is missing`
  }
  return built === inputsHash(root)
    ? undefined
    : `src/, models/, scripts/build.mjs or package-lock.json changed since dist/ was built`
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
