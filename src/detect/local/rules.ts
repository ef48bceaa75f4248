/**
 * The local detector's rules, by concern: `rules/people.ts` counts people and picks the subject,
 * `rules/body.ts` judges the body's pose, `rules/face.ts` the face, `rules/objects.ts` what the
 * hands hold, `rules/light.ts` the light, and `rules/judge.ts` applies them in the service's order.
 * Every rule is a pure function of an `Observation` (what the models saw).
 */
export type { Observation } from './observation.js'
export * from './rules/geometry.js'
export * from './rules/people.js'
export * from './rules/body.js'
export * from './rules/face.js'
export * from './rules/objects.js'
export * from './rules/light.js'
export * from './rules/judge.js'
export * from './rules/drawn.js'
