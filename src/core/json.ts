/** Narrowing of untrusted JSON (event payloads, service answers): nothing is cast unchecked. */
export type JsonObject = Record<string, unknown>

export function asObject(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as JsonObject)
    : undefined
}

/** A string, or undefined for anything else (empty strings included when `nonEmpty`). */
export function asString(value: unknown, nonEmpty = false): string | undefined {
  return typeof value === 'string' && (!nonEmpty || value !== '') ? value : undefined
}

export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined
}

/** `JSON.parse` that answers undefined instead of throwing, and only for an object at the top. */
export function parseJsonObject(text: string): JsonObject | undefined {
  try {
    return asObject(JSON.parse(text))
  } catch {
    return undefined
  }
}
