import { describe, expect, it } from 'vitest'
import { box, detected } from './rules/evidence.js'
import { suppress } from '../../../../src/detect/local/objects.js'

describe('suppress', () => {
  it('keeps the strongest of overlapping boxes per label', () => {
    const kept = suppress(
      [
        detected('person', 0.5, box(0, 0, 0.5, 1)),
        detected('person', 0.9, box(0.02, 0, 0.5, 1)),
        detected('umbrella', 0.4, box(0, 0, 0.5, 1)),
      ],
      0.5,
    )
    expect(kept.map((o) => [o.label, o.score])).toEqual([
      ['person', 0.9],
      ['umbrella', 0.4],
    ])
  })
})
