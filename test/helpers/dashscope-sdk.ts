import { randomBytes } from 'node:crypto'
import { request } from 'node:http'

/**
 * The requests the official DashScope Python SDK (dashscope 1.26) makes to send a local file,
 * byte for byte where it matters, for clients this project cannot install (no PyPI here):
 *
 * - `dashscope/utils/oss_utils.py`, `OssUtils.get_upload_certificate`: `GET {base}/uploads` with
 *   `params = {'action': 'getPolicy', 'model': model}` through `GetMixin.get`, so `Authorization:
 *   Bearer <key>` and `Accept: application/json; charset=utf-8` (`api_entities/http_request.py`).
 * - `OssUtils.upload`: `requests` POST to `upload_host` with headers `user-agent`, `Accept:
 *   application/json` and `Date`, `data=form_data` in this order: `OSSAccessKeyId`, `Signature`,
 *   `policy`, `key = upload_dir + '/' + os.path.basename(file_path)`, `x-oss-object-acl`,
 *   `x-oss-forbid-overwrite`, `success_action_status = '200'`, `x-oss-content-type =
 *   mimetypes.guess_type(file_path)[0]` (left out by `requests` when None), then
 *   `files={'file': open(file_path, 'rb')}`. `requests` (`models.py`, `_encode_files`) puts the
 *   data fields first, then the file; urllib3's `encode_multipart_formdata` writes a 32-hex-digit
 *   boundary, parts without a Content-Type (none is given), the file part's `filename` as the
 *   file's base name in raw UTF-8 (`"` and CR/LF percent-encoded), and the field values in UTF-8.
 *   A 200 is success; the SDK then uses `'oss://' + key`.
 * - The service call (`api_entities/http_request.py`, `HttpRequest`): POST JSON
 *   (`json.dumps(..., ensure_ascii=False)`, so raw UTF-8) with `Accept: application/json;
 *   charset=utf-8`, `Authorization: Bearer <key>`, `Content-Type: application/json;
 *   charset=utf-8`, plus `X-DashScope-OssResourceResolve: enable` after an upload, and
 *   `X-DashScope-Async: enable` for `async_call`.
 */
export const SDK_USER_AGENT =
  'dashscope/1.26.2; python/3.12.3; platform/Linux-6.8.0-x86_64-with-glibc2.39; processor/x86_64'

export interface SdkAnswer {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
}

/** One HTTP exchange with exactly these headers (node:http adds Host and nothing else). */
export function send(
  url: string,
  method: 'GET' | 'POST',
  headers: Record<string, string>,
  body?: Buffer,
): Promise<SdkAnswer> {
  return new Promise((resolve, reject) => {
    const sent = request(
      url,
      {
        method,
        headers: body === undefined ? headers : { ...headers, 'Content-Length': body.length },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        )
        res.on('error', reject)
      },
    )
    sent.on('error', reject)
    sent.end(body)
  })
}

/** `OssUtils.get_upload_certificate` → `data` of the answer. */
export async function sdkGetPolicy(
  base: string,
  model: string,
  apiKey: string,
): Promise<{ answer: SdkAnswer; data: Record<string, string> }> {
  const answer = await send(
    `${base}/api/v1/uploads?action=getPolicy&model=${encodeURIComponent(model)}`,
    'GET',
    {
      'user-agent': SDK_USER_AGENT,
      Accept: 'application/json; charset=utf-8',
      Authorization: `Bearer ${apiKey}`,
    },
  )
  const json = JSON.parse(answer.text) as { data?: Record<string, string> }
  return { answer, data: json.data ?? {} }
}

const MIME_TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  bmp: 'image/bmp',
  webp: 'image/webp',
}

/** urllib3's `format_multipart_header_param`: the value raw, with `"`, CR and LF percent-encoded. */
function headerParam(name: string, value: string): string {
  return `${name}="${value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}"`
}

/** The multipart body and headers of `OssUtils.upload` for a file named `fileName`. */
export function sdkUploadRequest(
  policy: Record<string, string>,
  fileName: string,
  bytes: Uint8Array,
): { key: string; body: Buffer; headers: Record<string, string> } {
  const key = `${policy.upload_dir ?? ''}/${fileName}`
  const fields: [string, string | undefined][] = [
    ['OSSAccessKeyId', policy.oss_access_key_id],
    ['Signature', policy.signature],
    ['policy', policy.policy],
    ['key', key],
    ['x-oss-object-acl', policy.x_oss_object_acl],
    ['x-oss-forbid-overwrite', policy.x_oss_forbid_overwrite],
    ['success_action_status', '200'],
    ['x-oss-content-type', MIME_TYPES[fileName.split('.').pop()?.toLowerCase() ?? '']],
  ]
  const boundary = randomBytes(16).toString('hex')
  const parts: Buffer[] = []
  for (const [name, value] of fields) {
    if (value === undefined) continue
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; ${headerParam('name', name)}\r\n\r\n${value}\r\n`,
      ),
    )
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; ${headerParam('name', 'file')}; ${headerParam('filename', fileName)}\r\n\r\n`,
    ),
    Buffer.from(bytes),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  )
  return {
    key,
    body: Buffer.concat(parts),
    headers: {
      'user-agent': SDK_USER_AGENT,
      'Accept-Encoding': 'gzip, deflate',
      Accept: 'application/json',
      Connection: 'keep-alive',
      Date: new Date().toUTCString(),
      'Content-Type': `multipart/form-data; boundary=${boundary}`,
    },
  }
}

/** `OssUtils.upload`'s POST. */
export function sdkUpload(
  policy: Record<string, string>,
  fileName: string,
  bytes: Uint8Array,
): Promise<SdkAnswer & { key: string }> {
  const { key, body, headers } = sdkUploadRequest(policy, fileName, bytes)
  return send(policy.upload_host ?? '', 'POST', headers, body).then((answer) => ({
    ...answer,
    key,
  }))
}

/** The service call after an upload (`X-DashScope-OssResourceResolve`), optionally async. */
export async function sdkCall(
  endpoint: string,
  apiKey: string,
  body: unknown,
  options: { ossResolve?: boolean; async?: boolean } = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers: Record<string, string> = {
    'user-agent': SDK_USER_AGENT,
    ...(options.async === true ? { 'X-DashScope-Async': 'enable' } : {}),
    Accept: 'application/json; charset=utf-8',
    Authorization: `Bearer ${apiKey}`,
    'Content-Type': 'application/json; charset=utf-8',
    ...(options.ossResolve === true ? { 'X-DashScope-OssResourceResolve': 'enable' } : {}),
  }
  const answer = await send(endpoint, 'POST', headers, Buffer.from(JSON.stringify(body), 'utf8'))
  return { status: answer.status, json: JSON.parse(answer.text) as Record<string, unknown> }
}
