/** `?, ?, …` — one SQL parameter placeholder per value of an `IN (…)` list. */
export function placeholders(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ')
}
