/**
 * What a codec answers for text it did not write itself (a results file, a record file): the
 * value, or the problem in words for the caller's message. Codecs never throw on bad input.
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string }

export const parsed = <T>(value: T): Parsed<T> => ({ ok: true, value })
export const problem = <T = never>(text: string): Parsed<T> => ({ ok: false, problem: text })
