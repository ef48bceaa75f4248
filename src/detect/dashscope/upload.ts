import { createHash } from 'node:crypto'
import { FormData } from 'undici'
import { readJobBytes } from '../read-bytes.js'
import { asObject, asString, parseJsonObject, type JsonObject } from '../../core/json.js'
import {
  describeFailure,
  isRetryableStatus,
  statusOutcome,
  type AttemptOutcome,
  type HttpAnswer,
} from './response.js'
import type { Detection, DetectionJob } from '../types.js'

interface UploadPolicy {
  policy: string
  signature: string
  uploadDir: string
  uploadHost: URL
  accessKeyId: string
  objectAcl: string | undefined
  forbidOverwrite: string | undefined
  expiresAt: number
}

type Exchange = (
  url: URL,
  init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string | FormData },
  signal: AbortSignal,
) => Promise<HttpAnswer>

export interface UploaderOptions {
  endpoint: URL
  apiKey: string
  model: string
  exchange: Exchange
  /** The detector's retrying, rate-limited sender. */
  send: <T>(
    label: string,
    attempt: (signal: AbortSignal) => Promise<AttemptOutcome<T>>,
    queued: boolean,
  ) => Promise<T | Detection>
  /** The clock behind the policy's expiry; default Date.now. */
  now?: () => number
}

/** DashScope's upload policy lives beside the service paths: `<prefix>/api/v1/uploads`. */
export function uploadsUrl(endpoint: URL, model: string): URL {
  const index = endpoint.pathname.indexOf('/api/v1/')
  const prefix = index < 0 ? '' : endpoint.pathname.slice(0, index)
  const url = new URL(`${prefix}/api/v1/uploads`, endpoint.origin)
  url.searchParams.set('action', 'getPolicy')
  url.searchParams.set('model', model)
  return url
}

const EXTENSIONS: Record<string, string> = {
  jpg: 'jpg',
  jpeg: 'jpg',
  png: 'png',
  bmp: 'bmp',
  webp: 'webp',
}

/**
 * Puts image bytes into DashScope's temporary storage (a policy from the service, then a signed
 * form POST to the storage host, which never sees the API key) and returns the `oss://` URL.
 */
export class DashScopeUploader {
  private policy: Promise<UploadPolicy | Detection> | undefined

  private readonly now: () => number

  constructor(private readonly options: UploaderOptions) {
    this.now = options.now ?? Date.now
  }

  async upload(job: DetectionJob): Promise<{ url: string } | Detection> {
    const bytes = await readJobBytes(job)
    if ('status' in bytes) return bytes
    const policy = await this.currentPolicy()
    if ('status' in policy) return policy
    const extension = EXTENSIONS[job.path.split('.').pop()?.toLowerCase() ?? ''] ?? 'bin'
    // Named by content: the blob sha when known, else a hash of the bytes (URL targets), so two
    // images never share a storage key.
    const name = job.sha !== '' ? job.sha : createHash('sha256').update(bytes).digest('hex')
    const key = `${policy.uploadDir}/${name}.${extension}`
    const uploaded = await this.options.send(
      `upload of ${job.path}`,
      async (signal) => {
        const form = new FormData()
        form.set('OSSAccessKeyId', policy.accessKeyId)
        form.set('Signature', policy.signature)
        form.set('policy', policy.policy)
        if (policy.objectAcl !== undefined) form.set('x-oss-object-acl', policy.objectAcl)
        if (policy.forbidOverwrite !== undefined)
          form.set('x-oss-forbid-overwrite', policy.forbidOverwrite)
        form.set('key', key)
        form.set('success_action_status', '200')
        form.set('file', new Blob([new Uint8Array(bytes)]), key.split('/').pop() ?? 'image')
        const answer = await this.options.exchange(
          policy.uploadHost,
          { method: 'POST', headers: {}, body: form },
          signal,
        )
        return interpretUpload(answer)
      },
      false,
    )
    if (uploaded !== true) return uploaded
    return { url: `oss://${key}` }
  }

  private currentPolicy(): Promise<UploadPolicy | Detection> {
    const cached = this.policy
    if (cached !== undefined) {
      return cached.then((policy) =>
        'status' in policy || policy.expiresAt < this.now() ? this.fetchPolicy() : policy,
      )
    }
    return this.fetchPolicy()
  }

  private fetchPolicy(): Promise<UploadPolicy | Detection> {
    const { endpoint, apiKey, model } = this.options
    const url = uploadsUrl(endpoint, model)
    this.policy = this.options.send(
      'upload policy',
      async (signal) => {
        const answer = await this.options.exchange(
          url,
          {
            method: 'GET',
            headers: { authorization: `Bearer ${apiKey}`, accept: 'application/json' },
          },
          signal,
        )
        return interpretPolicy(answer, this.now())
      },
      true,
    )
    return this.policy
  }
}

export function interpretPolicy(
  answer: HttpAnswer,
  now: number = Date.now(),
): AttemptOutcome<UploadPolicy> {
  const json = parseJsonObject(answer.body) ?? {}
  const data = asObject(json.data)
  const field = (source: JsonObject | undefined, name: string): string | undefined =>
    asString(source?.[name], true)
  const requestId = field(json, 'request_id')
  const code = field(json, 'code')
  const error = (message: string): Detection => ({
    status: 'error',
    code: 'UploadFailed',
    message: describeFailure(answer.status, code, `upload policy: ${message}`, requestId),
  })
  const early = statusOutcome<UploadPolicy>(answer, json, () =>
    error(field(json, 'message') ?? 'service unavailable'),
  )
  if (early !== undefined) return early
  const policy = field(data, 'policy')
  const signature = field(data, 'signature')
  const uploadDir = field(data, 'upload_dir')
  const host = field(data, 'upload_host')
  const accessKeyId = field(data, 'oss_access_key_id')
  if (answer.status !== 200 || !policy || !signature || !uploadDir || !host || !accessKeyId) {
    return { kind: 'failed', error: error(field(json, 'message') ?? 'incomplete answer') }
  }
  let uploadHost: URL
  try {
    uploadHost = new URL(host)
  } catch {
    return { kind: 'failed', error: error(`unusable upload_host "${host}"`) }
  }
  const expiresIn = Number(data?.expire_in_seconds ?? 300)
  return {
    kind: 'final',
    value: {
      policy,
      signature,
      uploadDir,
      uploadHost,
      accessKeyId,
      objectAcl: field(data, 'x_oss_object_acl'),
      forbidOverwrite: field(data, 'x_oss_forbid_overwrite'),
      expiresAt: now + Math.max(0, expiresIn - 30) * 1000,
    },
  }
}

function interpretUpload(answer: HttpAnswer): AttemptOutcome<true> {
  if (answer.status >= 200 && answer.status < 300) return { kind: 'final', value: true }
  const error: Detection = {
    status: 'error',
    code: 'UploadFailed',
    message: describeFailure(
      answer.status,
      undefined,
      `upload to temporary storage failed: ${answer.body.slice(0, 200)}`,
      undefined,
    ),
  }
  if (isRetryableStatus(answer.status)) return { kind: 'retry', throttled: false, error }
  return { kind: 'failed', error }
}
