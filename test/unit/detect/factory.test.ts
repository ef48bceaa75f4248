import { describe, expect, it } from 'vitest'
import { describeDetector } from '../../../src/detect/factory.js'
import { LOCAL_DETECTOR_NAME, LOCAL_IDENTITY } from '../../../src/detect/local/detector.js'

describe('describeDetector', () => {
  it('names the local detector by the models it runs, as the detector module does', () => {
    const name = describeDetector({ backend: 'local', concurrency: 2 })
    expect(name).toBe(`the embedded local detector (${LOCAL_DETECTOR_NAME})`)
    // The footer and the identity that keys recorded verdicts name the same three models.
    for (const model of ['CenterNet', 'MoveNet', 'FaceMesh']) {
      expect(LOCAL_DETECTOR_NAME).toContain(model)
      expect(LOCAL_IDENTITY.toLowerCase()).toContain(model.toLowerCase())
    }
  })
})
