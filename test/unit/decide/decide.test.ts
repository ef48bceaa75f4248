import { describe, expect, it } from 'vitest'
import {
  applyAccepted,
  applyBodystyleRule,
  countResults,
  decideOutcome,
  toResult,
} from '../../../src/decide/decide.js'

describe('applyBodystyleRule', () => {
  it('rejects a pass of the other body style', () => {
    expect(applyBodystyleRule({ status: 'pass', bodystyle: 'half' }, 'full')).toMatchObject({
      status: 'reject',
      code: 'BodyStyleMismatch',
      bodystyle: 'half',
    })
  })
  it('leaves matching passes, any, rejects and errors alone', () => {
    expect(applyBodystyleRule({ status: 'pass', bodystyle: 'full' }, 'full').status).toBe('pass')
    expect(applyBodystyleRule({ status: 'pass', bodystyle: 'half' }, 'any').status).toBe('pass')
    expect(applyBodystyleRule({ status: 'error', code: 'X' }, 'full').code).toBe('X')
  })
})

describe('toResult', () => {
  it('always has every key of the results output', () => {
    expect(toResult('a.jpg', 'u', { status: 'pass', bodystyle: 'full' })).toEqual({
      path: 'a.jpg',
      url: 'u',
      status: 'pass',
      bodystyle: 'full',
      code: null,
      message: null,
      requestId: null,
      sha: null,
    })
  })
})

describe('decideOutcome', () => {
  const policy = { failOnReject: true, onApiError: 'fail' as const }
  const counts = (passed: number, rejected: number, errors: number) => ({
    checked: passed + rejected + errors,
    passed,
    rejected,
    errors,
  })

  it('passes with nothing to check', () => {
    expect(decideOutcome(counts(0, 0, 0), policy)).toEqual({
      failed: false,
      summary: 'No images to check.',
    })
  })
  it('fails on a rejection, naming the counts', () => {
    expect(decideOutcome(counts(3, 1, 0), policy)).toEqual({
      failed: true,
      summary: '1 of 4 images rejected (3 passed).',
    })
  })
  it('fails on an error by default, warns with on-api-error: warn', () => {
    expect(decideOutcome(counts(1, 0, 2), policy).failed).toBe(true)
    expect(decideOutcome(counts(1, 0, 2), { ...policy, onApiError: 'warn' })).toEqual({
      failed: false,
      summary: '0 of 3 images rejected, 2 could not be checked (1 passed).',
      warning: '2 images could not be checked (on-api-error: warn).',
    })
  })
  it('does not fail on rejections with fail-on-reject: false', () => {
    expect(decideOutcome(counts(1, 1, 0), { ...policy, failOnReject: false }).failed).toBe(false)
  })
  it('a fully down API never passes by default', () => {
    expect(decideOutcome(counts(0, 0, 5), policy).failed).toBe(true)
  })
})

describe('applyAccepted', () => {
  const sha = 'c0ffee'.repeat(6) + 'c0ff'
  const other = 'decade'.repeat(6) + 'deca'
  const rejected = (path: string, blob: string) =>
    toResult(path, 'u', { status: 'reject', code: 'InvalidFile.BodyPose' }, blob)

  it('accepts a rejection of exactly the listed content, at any path or the listed one', () => {
    const results = [rejected('a.jpg', sha), rejected('b.jpg', sha), rejected('c.jpg', other)]
    expect(applyAccepted(results, [{ sha }]).map((r) => r.status)).toEqual([
      'accepted',
      'accepted',
      'reject',
    ])
    expect(applyAccepted(results, [{ sha, path: 'b.jpg' }]).map((r) => r.status)).toEqual([
      'reject',
      'accepted',
      'reject',
    ])
  })

  it('never turns a pass or an error into accepted, nor content without a known sha', () => {
    const results = [
      toResult('p.jpg', 'u', { status: 'pass' }, sha),
      toResult('e.jpg', 'u', { status: 'error' }, sha),
      rejected('x.jpg', sha),
    ].map((r, i) => (i === 2 ? { ...r, sha: null } : r))
    expect(applyAccepted(results, [{ sha }]).map((r) => r.status)).toEqual([
      'pass',
      'error',
      'reject',
    ])
  })

  it('counts accepted images apart, and they never fail the check', () => {
    const results = applyAccepted(
      [rejected('a.jpg', sha), toResult('ok.jpg', 'u', { status: 'pass' })],
      [{ sha }],
    )
    const counts = countResults(results)
    expect(counts).toMatchObject({ checked: 2, passed: 1, rejected: 0, accepted: 1 })
    expect(decideOutcome(counts, { failOnReject: true, onApiError: 'fail' })).toEqual({
      failed: false,
      summary: '1 of 2 images passed, 1 accepted (accept input).',
    })
  })
})

describe('countResults', () => {
  it('counts by status', () => {
    const r = (status: 'pass' | 'reject' | 'error') => toResult('p', 'u', { status })
    expect(countResults([r('pass'), r('reject'), r('reject'), r('error')])).toEqual({
      checked: 4,
      passed: 1,
      rejected: 2,
      errors: 1,
      accepted: 0,
    })
  })
})
