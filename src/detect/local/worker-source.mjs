// The worker's entry when running from source (tests, `tsx scripts/…`): the worker is TypeScript
// importing `.js` paths, which only tsx's loader resolves; the bundle has dist/local-worker.js.
import { register } from 'tsx/esm/api'

register()
await import('./worker.ts')
