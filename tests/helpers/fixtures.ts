import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'

/** The reference fixtures root: `STDD_FIXTURES`, default `../shared/fixtures` beside the checkout. */
export function fixturesRoot(): string {
  return resolve(process.env.STDD_FIXTURES ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'fixtures'))
}

/** Every entry under `<root>/<sub>` whose name matches `pattern` (discovered, never named). */
export function discoverFixtures(sub: string, pattern: RegExp): string[] {
  const dir = join(fixturesRoot(), sub)
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter((name) => pattern.test(name))
    .map((name) => join(dir, name))
    .filter((p) => statSync(p).isFile() || statSync(p).isDirectory())
    .sort()
}
