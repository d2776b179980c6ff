import type { PromptKind } from '../../../contract'
import type { Clauses } from '../text/askg/types'

/**
 * What each prompt of a class adds to the class name (text/prompts/build.ts fills a template with
 * `name` for [C] and with `name, clause` for a clause prompt): `S` for an object–object or
 * action–object clause, `T` for an action–action clause, `C` for none; null when the graph version's
 * clauses are unknown or none of them is the prompt's.
 */
export function promptKinds(prompts: readonly string[], className: string, clauses: Clauses | null): PromptKind[] {
  const prefix = `${className}, `
  return prompts.map((p) => {
    if (!p.includes(prefix)) return 'C'
    if (!clauses) return null
    // The longest clause found is the prompt's (a clause may begin another one).
    const found = [...clauses.aa.map((c) => ({ c, kind: 'T' as const })), ...[...clauses.oo, ...clauses.ao].map((c) => ({ c, kind: 'S' as const }))]
      .filter(({ c }) => c !== '' && p.includes(prefix + c))
      .sort((a, b) => b.c.length - a.c.length)
    return found[0]?.kind ?? null
  })
}
