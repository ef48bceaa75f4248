import { FormData } from 'undici'
import { describe, expect, it } from 'vitest'
import { uploadsUrl } from '../../../../src/detect/dashscope/upload.js'
import {
  API_KEY,
  DETECT_PATH,
  JSON_HEADERS,
  ORIGIN,
  job,
  mockedDetector,
  passBody,
} from '../../../helpers/dashscope-mock.js'

/** Where the policy sends the bytes: another origin, which must never see the API key. */
const STORAGE = 'http://127.0.0.1:10'
const UPLOAD_DIR = 'dashscope-instant/abc/2026-11-25/xyz'
const policyPath = (path: string) => path.startsWith('/api/v1/uploads?')

const policy = (overrides: Record<string, unknown> = {}) => ({
  data: {
    policy: 'cG9saWN5',
    signature: 'sig',
    upload_dir: UPLOAD_DIR,
    upload_host: STORAGE,
    expire_in_seconds: 300,
    oss_access_key_id: 'LTAI-test',
    x_oss_object_acl: 'private',
    x_oss_forbid_overwrite: 'true',
    ...overrides,
  },
  request_id: 'req-policy',
})

describe('uploadsUrl', () => {
  it('sits beside the service paths, keeping a prefix', () => {
    expect(uploadsUrl(new URL(`${ORIGIN}${DETECT_PATH}`), 'm').href).toBe(
      `${ORIGIN}/api/v1/uploads?action=getPolicy&model=m`,
    )
    expect(uploadsUrl(new URL(`${ORIGIN}/proxy${DETECT_PATH}`), 'm').pathname).toBe(
      '/proxy/api/v1/uploads',
    )
  })
})

describe('upload mode through a MockAgent', () => {
  it('gets a policy once, posts the form to storage and detects the oss:// URL', async () => {
    const { detector, agent, service, calls } = mockedDetector({ upload: true })
    service
      .intercept({ path: policyPath, method: 'GET' })
      .reply(200, policy(), { headers: JSON_HEADERS })
    const forms: FormData[] = []
    agent
      .get(STORAGE)
      .intercept({ path: '/', method: 'POST' })
      .reply((request) => {
        if (request.body instanceof FormData) forms.push(request.body)
        return { statusCode: 200, data: '' }
      })
      .times(2)
    service
      .intercept({ path: DETECT_PATH, method: 'POST' })
      .reply(200, passBody(), { headers: JSON_HEADERS })
      .times(2)

    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])
    const a = job('people/a.JPEG', bytes)
    const b = job('people/b.webp', bytes)
    expect(await Promise.all([detector.detect(a), detector.detect(b)])).toMatchObject([
      { status: 'pass' },
      { status: 'pass' },
    ])

    const sent = calls()
    const policyCalls = sent.filter((call) => call.url.includes('/api/v1/uploads'))
    expect(policyCalls).toHaveLength(1)
    expect(policyCalls[0]?.url).toBe(
      `${ORIGIN}/api/v1/uploads?action=getPolicy&model=animate-anyone-detect-gen2`,
    )
    expect(policyCalls[0]?.headers).toMatchObject({ authorization: `Bearer ${API_KEY}` })

    const uploads = sent.filter((call) => call.url.startsWith(STORAGE))
    expect(uploads).toHaveLength(2)
    for (const upload of uploads) expect(upload.headers).not.toHaveProperty('authorization')
    expect(forms).toHaveLength(2)
    const form = forms.find((f) => f.get('key') === `${UPLOAD_DIR}/${a.sha}.jpg`)
    expect(form).toBeDefined()
    expect(form?.get('OSSAccessKeyId')).toBe('LTAI-test')
    expect(form?.get('Signature')).toBe('sig')
    expect(form?.get('policy')).toBe('cG9saWN5')
    expect(form?.get('x-oss-object-acl')).toBe('private')
    expect(form?.get('x-oss-forbid-overwrite')).toBe('true')
    expect(form?.get('success_action_status')).toBe('200')
    const file = form?.get('file')
    expect(file).toBeInstanceOf(Blob)
    if (file instanceof Blob) expect(new Uint8Array(await file.arrayBuffer())).toEqual(bytes)

    const detects = sent.filter((call) => call.url === `${ORIGIN}${DETECT_PATH}`)
    expect(detects).toHaveLength(2)
    for (const call of detects)
      expect(call.headers).toMatchObject({ 'x-dashscope-ossresourceresolve': 'enable' })
    const imageUrls = detects.map(
      (call) => (JSON.parse(String(call.body)) as { input: { image_url: string } }).input.image_url,
    )
    expect(imageUrls.sort()).toEqual(
      [`oss://${UPLOAD_DIR}/${a.sha}.jpg`, `oss://${UPLOAD_DIR}/${b.sha}.webp`].sort(),
    )
  })

  it('retries a storage 503 and then detects', async () => {
    const { detector, agent, service, calls } = mockedDetector({ upload: true })
    service
      .intercept({ path: policyPath, method: 'GET' })
      .reply(200, policy(), { headers: JSON_HEADERS })
    const storage = agent.get(STORAGE)
    storage.intercept({ path: '/', method: 'POST' }).reply(503, 'busy')
    storage.intercept({ path: '/', method: 'POST' }).reply(200, '')
    service
      .intercept({ path: DETECT_PATH, method: 'POST' })
      .reply(200, passBody(), { headers: JSON_HEADERS })
    expect(await detector.detect(job('a.jpg'))).toMatchObject({ status: 'pass' })
    expect(calls().filter((call) => call.url.startsWith(STORAGE))).toHaveLength(2)
  })

  it('reports a refused upload as an error and never detects', async () => {
    const { detector, agent, service, calls } = mockedDetector({ upload: true })
    service
      .intercept({ path: policyPath, method: 'GET' })
      .reply(200, policy(), { headers: JSON_HEADERS })
    agent
      .get(STORAGE)
      .intercept({ path: '/', method: 'POST' })
      .reply(403, '<Error><Code>AccessDenied</Code></Error>')
    expect(await detector.detect(job('a.jpg'))).toMatchObject({
      status: 'error',
      code: 'UploadFailed',
      message: expect.stringContaining('HTTP 403: upload to temporary storage failed') as unknown,
    })
    expect(calls().filter((call) => call.url === `${ORIGIN}${DETECT_PATH}`)).toHaveLength(0)
  })

  it('reports an incomplete policy as an error, without uploading', async () => {
    const { detector, service, calls } = mockedDetector({ upload: true })
    service
      .intercept({ path: policyPath, method: 'GET' })
      .reply(200, policy({ signature: '' }), { headers: JSON_HEADERS })
    expect(await detector.detect(job('a.jpg'))).toMatchObject({
      status: 'error',
      code: 'UploadFailed',
      message: expect.stringContaining('upload policy: incomplete answer') as unknown,
    })
    expect(calls()).toHaveLength(1)
  })

  it('reports an unreadable image as FetchFailed without asking for a policy', async () => {
    const { detector, calls } = mockedDetector({ upload: true })
    const unreadable = {
      ...job('a.jpg'),
      readBytes: () => Promise.reject(new Error('HTTP 404 from images.test')),
    }
    expect(await detector.detect(unreadable)).toEqual({
      status: 'error',
      code: 'FetchFailed',
      message: 'Could not read the image: HTTP 404 from images.test',
    })
    expect(calls()).toHaveLength(0)
  })

  it('uploads again when the storage lost the object, and never records that as a verdict', async () => {
    const { detector, agent, service, calls, log } = mockedDetector({ upload: true })
    service
      .intercept({ path: policyPath, method: 'GET' })
      .reply(200, policy(), { headers: JSON_HEADERS })
    agent.get(STORAGE).intercept({ path: '/', method: 'POST' }).reply(200, '').times(2)
    const missing = {
      code: 'InvalidURL.ObjectNotFound',
      message: 'oss://… is not in the temporary storage (expired or evicted); upload it again.',
      request_id: 'req-missing',
    }
    service
      .intercept({ path: DETECT_PATH, method: 'POST' })
      .reply(400, missing, { headers: JSON_HEADERS })
    service
      .intercept({ path: DETECT_PATH, method: 'POST' })
      .reply(200, passBody(), { headers: JSON_HEADERS })
    expect(await detector.detect(job('a.jpg'))).toMatchObject({ status: 'pass' })
    expect(calls().filter((call) => call.url.startsWith(STORAGE))).toHaveLength(2)
    expect(log.messages('info')).toEqual([
      'Uploading a.jpg again: the temporary storage no longer has it',
    ])
  })

  it('reports an object the storage keeps losing as an error after three uploads', async () => {
    const { detector, agent, service, calls } = mockedDetector({ upload: true })
    service
      .intercept({ path: policyPath, method: 'GET' })
      .reply(200, policy(), { headers: JSON_HEADERS })
    agent.get(STORAGE).intercept({ path: '/', method: 'POST' }).reply(200, '').persist()
    service
      .intercept({ path: DETECT_PATH, method: 'POST' })
      .reply(
        400,
        { code: 'InvalidURL.ObjectNotFound', message: 'gone', request_id: 'req-gone' },
        { headers: JSON_HEADERS },
      )
      .persist()
    const detection = await detector.detect(job('a.jpg'))
    expect(detection).toMatchObject({
      status: 'error',
      code: 'InvalidURL.ObjectNotFound',
      message: expect.stringContaining('still missing after 3 uploads') as unknown,
    })
    expect(detection.status).not.toBe('reject')
    expect(calls().filter((call) => call.url.startsWith(STORAGE))).toHaveLength(3)
    expect(calls().filter((call) => call.url === `${ORIGIN}${DETECT_PATH}`)).toHaveLength(3)
  })

  it('asks for a new policy once the cached one is near its expiry, by its own clock', async () => {
    const { detector, agent, service, calls, clock } = mockedDetector({ upload: true })
    service
      .intercept({ path: policyPath, method: 'GET' })
      .reply(200, policy(), { headers: JSON_HEADERS })
      .times(2)
    agent.get(STORAGE).intercept({ path: '/', method: 'POST' }).reply(200, '').times(3)
    service
      .intercept({ path: DETECT_PATH, method: 'POST' })
      .reply(200, passBody(), { headers: JSON_HEADERS })
      .times(3)
    await detector.detect(job('a.jpg'))
    clock.now += 269_000
    await detector.detect(job('b.jpg'))
    expect(calls().filter((call) => call.url.includes('/api/v1/uploads'))).toHaveLength(1)
    // expire_in_seconds 300, renewed 30 s early.
    clock.now += 2_000
    await detector.detect(job('c.jpg'))
    expect(calls().filter((call) => call.url.includes('/api/v1/uploads'))).toHaveLength(2)
  })
})
