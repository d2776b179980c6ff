/** `?, ?, …` — one SQL parameter placeholder per value of an `IN (…)` list. */
export function placeholders(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ')
}

/** `text` with LIKE's wildcards escaped (for `LIKE ? ESCAPE '\'`): a prefix match is `${likePrefix(text)}%`. */
export function likePrefix(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`)
}
