// The Node the action and aa-check need, checked by their entries (action.mjs, cli.mjs) before any
// bundle is loaded, in syntax every Node since 12 parses. build.mjs copies the three files side by
// side into dist/. Keep MINIMUM equal to package.json's engines.node (a unit test checks it).
/* global process */
export const MINIMUM = '22.19.0'

const parts = (version) => version.split('.').map((part) => Number.parseInt(part, 10) || 0)

/** Whether this Node is older than MINIMUM. */
export function nodeTooOld(version = process.versions.node) {
  const [major, minor, patch] = parts(version)
  const [needMajor, needMinor, needPatch] = parts(MINIMUM)
  if (major !== needMajor) return major < needMajor
  if (minor !== needMinor) return minor < needMinor
  return patch < needPatch
}
