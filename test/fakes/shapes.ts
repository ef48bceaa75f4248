/**
 * Response bodies of the fake GitHub, typed with the official OpenAPI description's schemas
 * (@octokit/openapi-types): the compiler checks that every field the real API always sends is here.
 */
import type { components } from '@octokit/openapi-types'

type Schemas = components['schemas']
export type DiffEntry = Schemas['diff-entry']
export type IssueComment = Schemas['issue-comment']
export type GitTree = Schemas['git-tree']
export type Commit = Schemas['commit']
export type CommitComparison = Schemas['commit-comparison']
export type SimpleUser = Schemas['simple-user']
export type GitBlob = Schemas['blob']
export type ContentFile = Schemas['content-file']
export type CheckRun = Schemas['check-run']

export function simpleUser(login: string, id: number, type: 'Bot' | 'User'): SimpleUser {
  const url = `https://api.github.com/users/${encodeURIComponent(login)}`
  return {
    login,
    id,
    node_id: `U_${id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url,
    html_url: `https://github.com/${login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type,
    site_admin: false,
  }
}

export function commitJson(
  api: string,
  repo: string,
  sha: string,
  tree: string,
  parents: string[],
  files?: DiffEntry[],
): Commit {
  const author = { name: 'Octo Cat', email: 'octocat@github.com', date: '2026-11-25T00:00:00Z' }
  const commit: Commit = {
    url: `${api}/repos/${repo}/commits/${sha}`,
    sha,
    node_id: `C_${sha.slice(0, 10)}`,
    html_url: `https://github.com/${repo}/commit/${sha}`,
    comments_url: `${api}/repos/${repo}/commits/${sha}/comments`,
    commit: {
      url: `${api}/repos/${repo}/git/commits/${sha}`,
      author,
      committer: author,
      message: 'Update photos',
      comment_count: 0,
      tree: { sha: tree, url: `${api}/repos/${repo}/git/trees/${tree}` },
    },
    author: simpleUser('octocat', 1, 'User'),
    committer: simpleUser('octocat', 1, 'User'),
    parents: parents.map((parent) => ({
      sha: parent,
      url: `${api}/repos/${repo}/commits/${parent}`,
    })),
  }
  if (files !== undefined) commit.files = files
  return commit
}
