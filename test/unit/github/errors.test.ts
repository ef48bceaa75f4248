import { createServer } from 'node:net'
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { listPullFiles } from '../../../src/github/api.js'
import { GitHubRequestError, describeGitHubError } from '../../../src/github/errors.js'
import { createOctokit } from '../../../src/github/octokit.js'
import { silentLogger } from '../../../src/core/log.js'
import { REPO, TOKEN, openPull, useFakeGitHub } from '../../helpers/github.js'

const fake = useFakeGitHub()

async function failureOf(promise: Promise<unknown>): Promise<GitHubRequestError> {
  const error: unknown = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  )
  expect(error).toBeInstanceOf(GitHubRequestError)
  return error as GitHubRequestError
}

/** A port on 127.0.0.1 that nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

describe('a failed GitHub request', () => {
  it('404: names the method, the route, the status and what to check', async () => {
    const error = await failureOf(listPullFiles(fake.octokit, { owner: 'acme', repo: 'gone' }, 7))
    expect(error.status).toBe(404)
    expect(error.message).toMatch(
      /^GitHub API GET \/repos\/acme\/gone\/pulls\/7\/files failed: HTTP 404 /,
    )
    expect(error.message).toContain('the repository name')
    expect(error.message).toContain("token's scope")
    expect(error.message).toContain('`permissions: contents: read`')
  })

  it('401: says the token was refused', async () => {
    const { number } = openPull(fake.github, { 'a.jpg': 'a' })
    fake.github.faults.push({
      method: 'GET',
      path: /\/pulls\/7\/files$/,
      times: 1,
      status: 401,
      message: 'Bad credentials',
    })
    const error = await failureOf(listPullFiles(fake.octokit, REPO, number))
    expect(error.status).toBe(401)
    expect(error.message).toContain(
      'GET /repos/acme/photos/pulls/7/files failed: HTTP 401 Bad credentials',
    )
    expect(error.message).toContain('github-token is expired, revoked or not a token')
  })

  it('403: names the permission the request needs', async () => {
    const { number } = openPull(fake.github, { 'a.jpg': 'a' })
    fake.github.faults.push({
      method: 'POST',
      path: /\/issues\/7\/comments$/,
      times: 1,
      status: 403,
      message: 'Resource not accessible by integration',
    })
    const error = await failureOf(
      fake.octokit.rest.issues.createComment({ ...REPO, issue_number: number, body: 'x' }),
    )
    expect(error.message).toContain(
      'POST /repos/acme/photos/issues/7/comments failed: HTTP 403 Resource not accessible by integration',
    )
    expect(error.message).toContain('`permissions: pull-requests: write`')
    // Callers that add their own words get it without a doubled full stop.
    expect(describeGitHubError(error)).not.toMatch(/\.$/)
  })

  it('a refused connection: names GITHUB_API_URL and how long it retried', async () => {
    const baseUrl = `http://127.0.0.1:${await closedPort()}`
    const octokit = createOctokit(TOKEN, silentLogger, {
      baseUrl,
      retryAfterBaseMs: 1,
      retryBaseMs: 1,
      limiterId: randomUUID(),
    })
    const error = await failureOf(listPullFiles(octokit, REPO, 7))
    expect(error.status).toBeUndefined()
    expect(error.message).toMatch(
      new RegExp(
        `^GitHub API GET /repos/acme/photos/pulls/7/files could not reach ${baseUrl.replace(/\./g, '\\.')} after 3 retries over \\d+\\.\\d s: .*ECONNREFUSED`,
      ),
    )
    expect(error.message).toContain('Check GITHUB_API_URL')
  })
})
