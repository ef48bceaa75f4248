import { describe, expect, it } from 'vitest'
import {
  codeFromReason,
  interpretDetectAnswer,
  type HttpAnswer,
} from '../../../../src/detect/dashscope/response.js'
import { DetectorAuthError } from '../../../../src/core/errors.js'

const json = (status: number, body: unknown, extra: Partial<HttpAnswer> = {}): HttpAnswer => ({
  status,
  contentType: 'application/json;charset=UTF-8',
  body: JSON.stringify(body),
  ...extra,
})

describe('interpretDetectAnswer', () => {
  it('passes with the body style', () => {
    expect(
      interpretDetectAnswer(
        json(200, { output: { check_pass: true, bodystyle: 'half' }, request_id: 'r1' }),
      ),
    ).toEqual({ kind: 'final', value: { status: 'pass', bodystyle: 'half', requestId: 'r1' } })
  })

  it('turns check_pass:false into a rejection with a code from the reason', () => {
    expect(
      interpretDetectAnswer(
        json(200, {
          output: { check_pass: false, bodystyle: 'full', reason: 'face not visible' },
          request_id: 'r2',
        }),
      ),
    ).toEqual({
      kind: 'final',
      value: {
        status: 'reject',
        code: 'InvalidFile.FacePose',
        message: 'face not visible',
        bodystyle: 'full',
        requestId: 'r2',
      },
    })
  })

  it.each([
    'InvalidFile.Content',
    'InvalidFile.Resolution',
    'InvalidFile.BodyPose',
    'InvalidFile.FacePose',
    'InvalidURL',
  ])('HTTP 400 %s is a rejection, not an error', (code) => {
    expect(interpretDetectAnswer(json(400, { code, message: 'm', request_id: 'r' }))).toEqual({
      kind: 'final',
      value: { status: 'reject', code, message: 'm', requestId: 'r' },
    })
  })

  it('a lost oss:// object (InvalidURL.ObjectNotFound) is an error, never a rejection', () => {
    expect(
      interpretDetectAnswer(
        json(400, { code: 'InvalidURL.ObjectNotFound', message: 'gone', request_id: 'r' }),
      ),
    ).toMatchObject({
      kind: 'final',
      value: { status: 'error', code: 'InvalidURL.ObjectNotFound' },
    })
    expect(
      interpretDetectAnswer(json(400, { code: 'InvalidURL', message: 'not an image' })),
    ).toMatchObject({ kind: 'final', value: { status: 'reject', code: 'InvalidURL' } })
  })

  it('HTTP 400 InvalidParameter is an error and not retried', () => {
    const outcome = interpretDetectAnswer(
      json(400, { code: 'InvalidParameter', message: 'bad', request_id: 'r' }),
    )
    expect(outcome).toEqual({
      kind: 'final',
      value: {
        status: 'error',
        code: 'InvalidParameter',
        message: 'HTTP 400 InvalidParameter: bad (request_id r)',
        requestId: 'r',
      },
    })
  })

  it.each([401, 403])('HTTP %i stops the run with a fix in the message', (status) => {
    const outcome = interpretDetectAnswer(
      json(status, {
        code: status === 401 ? 'InvalidApiKey' : 'AccessDenied',
        message: 'no',
        request_id: 'r',
      }),
    )
    expect(outcome.kind).toBe('fatal')
    if (outcome.kind !== 'fatal') return
    expect(outcome.error).toBeInstanceOf(DetectorAuthError)
    expect(outcome.error.message).toMatch(
      new RegExp(`HTTP ${status} (InvalidApiKey|AccessDenied): no \\(request_id r\\)\\. Fix: `),
    )
  })

  it.each([
    [429, 'Throttling', true],
    [500, 'ServiceError', false],
    [502, 'ServiceError', false],
    [503, 'ServiceError', false],
    [504, 'ServiceError', false],
  ])('HTTP %i is retried', (status, code, throttled) => {
    const outcome = interpretDetectAnswer(
      json(status, { code: 'X', message: 'busy', request_id: 'r' }, { retryAfterMs: 2000 }),
    )
    expect(outcome).toMatchObject({
      kind: 'retry',
      throttled,
      retryAfterMs: 2000,
      error: { status: 'error', code },
    })
  })

  it('an HTML 502 page is a retried error with a snippet, never a pass', () => {
    const outcome = interpretDetectAnswer({
      status: 502,
      contentType: 'text/html',
      body: '<html><body>Bad Gateway</body></html>',
    })
    expect(outcome).toMatchObject({
      kind: 'retry',
      error: {
        status: 'error',
        message: expect.stringContaining('HTTP 502: <html><body>Bad Gateway') as unknown,
      },
    })
  })

  it.each([
    [
      'malformed JSON',
      { status: 200, contentType: 'application/json', body: '{"output":{"check_pass":tr' },
    ],
    ['HTML with 200', { status: 200, contentType: 'text/html', body: '<html>ok</html>' }],
    [
      'JSON as text/plain',
      {
        status: 200,
        contentType: 'text/plain',
        body: '{"output":{"check_pass":true,"bodystyle":"full"}}',
      },
    ],
  ])('%s is a retried error', (_, answer) => {
    expect(interpretDetectAnswer(answer)).toMatchObject({
      kind: 'retry',
      error: { status: 'error', code: 'MalformedResponse' },
    })
  })

  it.each([
    ['no output', { request_id: 'r' }],
    ['check_pass as a string', { output: { check_pass: 'true', bodystyle: 'full' } }],
    ['pass without body style', { output: { check_pass: true } }],
    ['pass with an unknown body style', { output: { check_pass: true, bodystyle: 'torso' } }],
  ])('an incomplete 200 (%s) is an error', (_, body) => {
    expect(interpretDetectAnswer(json(200, body))).toMatchObject({
      kind: 'final',
      value: { status: 'error', code: 'IncompleteResponse' },
    })
  })

  it('a redirect is an error: the key is never sent elsewhere', () => {
    expect(interpretDetectAnswer({ status: 302, contentType: '', body: '' })).toMatchObject({
      kind: 'final',
      value: { status: 'error', code: 'Redirect' },
    })
  })
})

describe('codeFromReason', () => {
  it.each([
    ['InvalidFile.BodyPose: sitting', 'InvalidFile.BodyPose'],
    ['Multiple persons detected', 'InvalidFile.Content'],
    ['no person in the image', 'InvalidFile.Content'],
    ['The head is severely turned', 'InvalidFile.FacePose'],
    ['shoulders not visible', 'InvalidFile.BodyPose'],
    ['图片分辨率不符合要求', 'InvalidFile.Resolution'],
    ['检测到多人', 'InvalidFile.Content'],
    ['人脸角度过大', 'InvalidFile.FacePose'],
    ['人体姿态不符合要求', 'InvalidFile.BodyPose'],
    ['something else', 'CheckFailed'],
  ])('%s → %s', (reason, code) => {
    expect(codeFromReason(reason)).toBe(code)
  })
})
