import { describe, expect, it } from 'vitest'
import {
  redactUrl,
  safeLine,
  safeLines,
  safeText,
  terminalJson,
} from '../../../src/core/untrusted.js'

describe('safeText', () => {
  it.each([
    ['a\nb', 'a\\nb'],
    ['a\r\n::error::x', 'a\\r\\n::error::x'],
    ['\u001b[31mred', '\\x1b[31mred'],
    ['\u009bcsi', '\\x9bcsi'],
    ['name\u202egpj.png', 'name\\u202egpj.png'],
    ['\u2066isolate\u2069', '\\u2066isolate\\u2069'],
    ['plain café 写真.jpg', 'plain café 写真.jpg'],
  ])('shows %j as %j', (input, shown) => {
    expect(safeText(input)).toBe(shown)
  })
  it('cuts long fields with an ellipsis', () => {
    expect(safeText('abcdef', 4)).toBe('abc…')
    expect(Array.from(safeText('写'.repeat(1000))).length).toBe(500)
  })
})

describe('safeLine', () => {
  it.each([
    '::error::forged',
    '  ::add-mask::secret',
    '::stop-commands::token',
    '##[error]old style',
    '\t::warning::tab first',
  ])('never starts a workflow command: %j', (line) => {
    const safe = safeLine(line)
    expect(safe).not.toMatch(/^\s*(::|##\[)/)
    expect(safe).not.toMatch(/[\r\n]/)
  })
  it('keeps ordinary lines as they are', () => {
    expect(safeLine('Checking 3 image(s).')).toBe('Checking 3 image(s).')
  })
  it('neutralises every line of multi-line text', () => {
    expect(safeLines('ok\n::error::x\r\nfine')).toBe('ok\n> ::error::x\nfine')
  })
})

describe('redactUrl', () => {
  it('drops credentials and queries', () => {
    expect(redactUrl('https://user:pass@proxy.example/aa?access_token=t#f')).toBe(
      'https://proxy.example/aa (credentials and query hidden)',
    )
    expect(redactUrl('https://dashscope.aliyuncs.com/api')).toBe(
      'https://dashscope.aliyuncs.com/api',
    )
    expect(redactUrl('not a url')).toBe('(an unreadable URL)')
  })
})

describe('terminalJson', () => {
  it('escapes C1 controls, bidi controls and line separators as \\uXXXX, and stays the same JSON', () => {
    const name = 'a\u009b31mred\u202egpj.exe\u2066x\u2028y\u0085z.jpg'
    const text = terminalJson([{ path: name }], 2)
    expect(text).not.toMatch(/[\u0080-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/)
    expect(text).toContain('a\\u009b31mred\\u202egpj.exe\\u2066x\\u2028y\\u0085z.jpg')
    expect(JSON.parse(text)).toEqual([{ path: name }])
  })
})
