import { describe, expect, it } from 'vitest'
import { isOwnComment } from '../../../src/github/comment.js'
import { COMMENT_MARKER } from '../../../src/report/render.js'

describe('isOwnComment', () => {
  const body = `${COMMENT_MARKER}\nreport`
  const bot = { login: 'github-actions[bot]', type: 'Bot' }
  const person = { login: 'mallory', type: 'User' }

  it('needs the marker', () => {
    expect(isOwnComment('report', bot, undefined)).toBe(false)
  })
  it('matches the token login when it is known', () => {
    expect(isOwnComment(body, { login: 'ci-user', type: 'User' }, 'ci-user')).toBe(true)
    expect(isOwnComment(body, bot, 'ci-user')).toBe(false)
  })
  it('accepts only bots when the login cannot be read', () => {
    expect(isOwnComment(body, bot, undefined)).toBe(true)
    expect(isOwnComment(body, person, undefined)).toBe(false)
    expect(isOwnComment(body, null, undefined)).toBe(false)
  })
})
