/** Types of ensure-dist.mjs, for the tests that import it. */
export const HASH_FILE: string
export function inputsHash(root?: string): string
export function staleReason(root?: string): string | undefined
export function isCi(env?: NodeJS.ProcessEnv): boolean
export function ensureDist(options?: {
  root?: string
  env?: NodeJS.ProcessEnv
  log?: (line: string) => void
  build?: () => void
}): 'fresh' | 'rebuilt' | 'committed'
export function setup(): void
