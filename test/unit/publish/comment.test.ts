import { describe, expect, it } from 'vitest'
import { ACTIONS_BOT_LOGIN, isOwnComment } from '../../../src/publish/comment.js'
import { COMMENT_MARKER, commentMarker } from '../../../src/report/render.js'

describe('isOwnComment', () => {
  const body = `${COMMENT_MARKER}\nreport`
  const bot = { login: 'github-actions[bot]', type: 'Bot' }
  const person = { login: 'mallory', type: 'User' }

  it('needs the marker', () => {
    expect(isOwnComment('report', bot, ACTIONS_BOT_LOGIN)).toBe(false)
  })
  it('matches the token login when it is known', () => {
    expect(isOwnComment(body, { login: 'ci-user', type: 'User' }, 'ci-user')).toBe(true)
    expect(isOwnComment(body, bot, 'ci-user')).toBe(false)
  })
  it('trusts exactly github-actions[bot] when the login cannot be read, never any bot', () => {
    expect(isOwnComment(body, bot, ACTIONS_BOT_LOGIN)).toBe(true)
    expect(isOwnComment(body, { login: 'other-app[bot]', type: 'Bot' }, ACTIONS_BOT_LOGIN)).toBe(
      false,
    )
    expect(isOwnComment(body, person, ACTIONS_BOT_LOGIN)).toBe(false)
    expect(isOwnComment(body, null, ACTIONS_BOT_LOGIN)).toBe(false)
  })
  it('needs the marker on the first line, so a file name further down cannot carry one', () => {
    expect(isOwnComment(`report\n\`${COMMENT_MARKER}\``, bot, ACTIONS_BOT_LOGIN)).toBe(false)
    expect(isOwnComment(`${COMMENT_MARKER}\r\nreport`, bot, ACTIONS_BOT_LOGIN)).toBe(true)
  })
  it('keeps the comments of different comment-keys apart', () => {
    const keyed = `${commentMarker('full')}\nreport`
    expect(isOwnComment(keyed, bot, ACTIONS_BOT_LOGIN)).toBe(false)
    expect(isOwnComment(keyed, bot, ACTIONS_BOT_LOGIN, commentMarker('full'))).toBe(true)
    expect(isOwnComment(keyed, bot, ACTIONS_BOT_LOGIN, commentMarker('half'))).toBe(false)
    expect(isOwnComment(body, bot, ACTIONS_BOT_LOGIN, commentMarker('full'))).toBe(false)
  })
  it('trusts the configured comment-author, case-insensitively', () => {
    const app = { login: 'My-App[bot]', type: 'Bot' }
    expect(isOwnComment(body, app, 'my-app[bot]')).toBe(true)
    expect(isOwnComment(body, bot, 'my-app[bot]')).toBe(false)
  })
})
