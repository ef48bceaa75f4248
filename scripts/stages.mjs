/**
 * The stages of src/ in the order data flows through them, and the adapters on top. A stage imports
 * only the stages before it; an adapter imports any stage and never another adapter except the ones
 * listed for it (the CLI starts serve). eslint.config.mjs enforces it; test/unit/architecture.test.ts
 * proves the rule bites and that no file-level cycle exists.
 */
export const STAGES = [
  'core',
  'config',
  'github',
  'gather',
  'resolve',
  'detect',
  'decide',
  'record',
  'report',
  'publish',
]

export const ADAPTERS = { action: [], cli: ['serve'], serve: [] }
