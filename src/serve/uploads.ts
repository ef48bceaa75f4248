import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'

export const UPLOADS_PATH = '/api/v1/uploads'
/** Where the policy sends clients' form POSTs: this server, in place of DashScope's OSS bucket. */
export const UPLOAD_HOST_PATH = '/oss-upload'
const ACCESS_KEY_ID = 'aa-check-serve'
/** OSS's longest object key, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1023

export interface TemporaryStorageOptions {
  maxFileBytes: number
  /** All stored objects together. */
  maxTotalBytes: number
  /** How long a policy lets clients upload. */
  policyTtlMs: number
  /** How long an object stays after its upload. */
  objectTtlMs: number
  now?: () => number
}

interface StoredObject {
  bytes: Uint8Array
  expiresAt: number
  /** A detection has read it: the first to go when the store is full. */
  used: boolean
}

/** The fields of the form a client POSTs to `upload_host`, as OSS names them. */
export interface UploadForm {
  accessKeyId: string | undefined
  policy: string | undefined
  signature: string | undefined
  key: string | undefined
}

interface PolicyDocument {
  expiration: string
  conditions: [['starts-with', '$key', string], ['content-length-range', 0, number]]
}

/**
 * DashScope's temporary storage in this process's memory: upload policies signed with a secret
 * drawn at start (so only policies this process issued are accepted), objects capped one by one and
 * all together, and dropped when they expire. An object is not deleted when a detection reads it:
 * identical files share one key and clients retry detections; once read it is the first evicted
 * when the store is full.
 */
export class TemporaryStorage {
  private readonly secret = randomBytes(32)
  private readonly objects = new Map<string, StoredObject>()
  private bytes = 0
  private readonly now: () => number

  constructor(private readonly options: TemporaryStorageOptions) {
    this.now = options.now ?? Date.now
  }

  /** The `data` of DashScope's getPolicy answer; uploads then go to `uploadHost`. */
  issuePolicy(uploadHost: string): Record<string, unknown> {
    const { policyTtlMs, maxFileBytes, maxTotalBytes } = this.options
    const uploadDir = `aa-check/${randomUUID()}`
    const document: PolicyDocument = {
      expiration: new Date(this.now() + policyTtlMs).toISOString(),
      conditions: [
        ['starts-with', '$key', `${uploadDir}/`],
        ['content-length-range', 0, maxFileBytes],
      ],
    }
    const policy = Buffer.from(JSON.stringify(document)).toString('base64')
    return {
      policy,
      signature: this.sign(policy),
      upload_dir: uploadDir,
      upload_host: uploadHost,
      expire_in_seconds: Math.floor(policyTtlMs / 1000),
      max_file_size_mb: maxFileBytes / 1024 / 1024,
      capacity_limit_mb: Math.floor(maxTotalBytes / 1024 / 1024),
      oss_access_key_id: ACCESS_KEY_ID,
      x_oss_object_acl: 'private',
      x_oss_forbid_overwrite: 'false',
    }
  }

  /** Why the form may not upload (its policy is not ours, expired, or names another key), or undefined. */
  refusal(form: UploadForm): string | undefined {
    const { accessKeyId, policy, signature, key } = form
    if (policy === undefined || signature === undefined || key === undefined) {
      return 'the form needs policy, Signature and key'
    }
    if (accessKeyId !== ACCESS_KEY_ID) return 'unknown OSSAccessKeyId'
    const expected = Buffer.from(this.sign(policy))
    const given = Buffer.from(signature)
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return 'the signature does not match the policy'
    }
    // Signed by this process, so its shape is the one issuePolicy wrote.
    const document = JSON.parse(Buffer.from(policy, 'base64').toString('utf8')) as PolicyDocument
    if (Date.parse(document.expiration) <= this.now()) return 'the policy has expired'
    const dir = document.conditions[0][2]
    if (!key.startsWith(dir) || !isObjectName(key.slice(dir.length))) {
      return `key must be a file name under ${dir} (no control characters, no empty, "." or ".." segments)`
    }
    if (Buffer.byteLength(key) > MAX_KEY_BYTES) {
      return `key is longer than ${MAX_KEY_BYTES} bytes`
    }
    return undefined
  }

  /** Stores an object; 'full' when it does not fit even after dropping expired and read ones. */
  put(key: string, bytes: Uint8Array): 'stored' | 'full' {
    this.sweep()
    this.remove(key)
    for (const [name, object] of this.objects) {
      if (this.bytes + bytes.length <= this.options.maxTotalBytes) break
      if (object.used) this.remove(name)
    }
    if (this.bytes + bytes.length > this.options.maxTotalBytes) return 'full'
    this.objects.set(key, { bytes, expiresAt: this.now() + this.options.objectTtlMs, used: false })
    this.bytes += bytes.length
    return 'stored'
  }

  /** An object's bytes by its key (the `oss://` URL without the scheme); undefined once expired. */
  get(key: string): Uint8Array | undefined {
    this.sweep()
    const object = this.objects.get(key)
    if (object === undefined) return undefined
    object.used = true
    return object.bytes
  }

  stats(): { objects: number; bytes: number } {
    return { objects: this.objects.size, bytes: this.bytes }
  }

  /** Drops every expired object. */
  sweep(): void {
    const now = this.now()
    for (const [key, object] of this.objects) if (object.expiresAt <= now) this.remove(key)
  }

  private remove(key: string): void {
    const object = this.objects.get(key)
    if (object === undefined) return
    this.objects.delete(key)
    this.bytes -= object.bytes.length
  }

  private sign(policy: string): string {
    return createHmac('sha256', this.secret).update(policy).digest('base64')
  }
}

/**
 * A name under the upload directory as OSS takes it (any UTF-8, as the DashScope SDK sends a local
 * file's own name: `my photo (1).jpg`, `照片.jpg`, `avatar@2x.png`), but never a control character
 * or a segment that could read as a path step.
 */
function isObjectName(name: string): boolean {
  if (name === '' || /\p{Cc}/u.test(name)) return false
  return name.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..')
}
