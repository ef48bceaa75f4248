import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from './harness.js'

describe('npm start (the README first screen)', () => {
  it('checks the sample photos locally, prints their verdicts in order and exits 0', () => {
    const run = spawnSync(process.execPath, [join(ROOT, 'scripts/start.mjs')], {
      cwd: ROOT,
      encoding: 'utf8',
      // A key in the environment must not send the samples to DashScope.
      env: { PATH: process.env.PATH ?? '', DASHSCOPE_API_KEY: 'sk-not-used' },
      timeout: 120_000,
    })
    expect(run.status).toBe(0)
    expect(run.stderr).toContain('with the embedded local detector')
    expect(run.stderr).not.toContain('Skipped')
    const verdicts = run.stdout
      .split('\n')
      .filter((line) => /^(PASS|REJECT|ERROR)/.test(line))
      .map((line) => line.split(/\s+/).slice(0, 2).join(' '))
    expect(verdicts).toEqual([
      'PASS test/fixtures/photos/full-body.jpg',
      'PASS test/fixtures/photos/half-body.jpg',
      'REJECT test/fixtures/photos/no-person.jpg',
      'REJECT test/fixtures/photos/sitting.jpg',
      'PASS test/fixtures/photos/standing.webp',
      'REJECT test/fixtures/photos/too-small.jpg',
    ])
    expect(run.stdout).toContain('6 checked: 3 passed, 3 rejected, 0 errors')
  })

  it('passes your own paths to aa-check check, with its exit status', () => {
    const photo = 'test/fixtures/photos/sitting.jpg'
    const run = spawnSync(
      process.execPath,
      [join(ROOT, 'scripts/start.mjs'), '--backend', 'local', photo],
      { cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' }, timeout: 120_000 },
    )
    expect(run.status).toBe(1)
    expect(run.stdout).toMatch(
      /^REJECT test\/fixtures\/photos\/sitting\.jpg {2}InvalidFile\.BodyPose/m,
    )
  })
})
