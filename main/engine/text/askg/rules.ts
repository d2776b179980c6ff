import { CLAUSE_FIELD, TRIPLE_FIELD, TRIPLE_KINDS, triplesOf, type ClassGraph, type GraphIssue } from './types'

/** The paper's bounds on the object list (Appendix A: "Top K (5 ≤ K ≤ 10) most relevant objects"). */
export const MIN_OBJECTS = 5
export const MAX_OBJECTS = 10

function duplicates(items: string[]): string[] {
  const seen = new Set<string>()
  const dup = new Set<string>()
  for (const i of items) {
    const k = i.toLowerCase()
    if (seen.has(k)) dup.add(i)
    seen.add(k)
  }
  return [...dup]
}

/**
 * The rules an LLM-built graph (stage 1) must meet before it is accepted: 5–10 distinct objects,
 * a non-empty ordered sub-action list, at least one relation of each family.
 * Temporal triples whose ends are not the action or a listed sub-action are only warnings.
 * (Triples are well-formed by construction once parsed; see `parseTriple`.)
 */
export function checkGeneratedGraph(className: string, g: ClassGraph): { issues: GraphIssue[]; warnings: GraphIssue[] } {
  const issues: GraphIssue[] = []
  const warnings: GraphIssue[] = []
  const n = g.objects.length
  if (n < MIN_OBJECTS || n > MAX_OBJECTS) {
    issues.push({ className, field: 'obj_en_li', message: `has ${n} objects`, fix: `list between ${MIN_OBJECTS} and ${MAX_OBJECTS} objects involved in the action` })
  }
  const dupObjects = duplicates(g.objects)
  if (dupObjects.length) issues.push({ className, field: 'obj_en_li', message: `repeats ${dupObjects.join(', ')}`, fix: 'list each object once' })
  if (g.subActions.length === 0) {
    issues.push({ className, field: 'sub_act_en_li', message: 'is empty', fix: 'list the sub-actions of the action in the order they happen' })
  }
  const dupSteps = duplicates(g.subActions)
  if (dupSteps.length) issues.push({ className, field: 'sub_act_en_li', message: `repeats ${dupSteps.join(', ')}`, fix: 'list each sub-action once, in order' })
  for (const kind of TRIPLE_KINDS) {
    if (triplesOf(g, kind).length === 0) {
      issues.push({ className, field: TRIPLE_FIELD[kind], message: 'has no triples', fix: 'give at least one triple <head, relation, tail>' })
    }
  }
  if (g.actionRelations.length > 0 && g.subActions.length > 0) {
    const known = new Set([g.label, ...g.subActions].map((s) => s.toLowerCase()))
    g.actionRelations.forEach((t, i) => {
      for (const end of [t.head, t.tail]) {
        if (!known.has(end.toLowerCase())) {
          warnings.push({
            className,
            field: `${TRIPLE_FIELD.aa}.${i}`,
            message: `"${end}" is neither the action nor one of sub_act_en_li`,
            fix: 'use the action label or a sub-action from sub_act_en_li, spelled the same way',
          })
        }
      }
    })
  }
  return { issues, warnings }
}

/** Stage 2: one clause per triple, in every family. */
export function checkClauseCounts(className: string, g: ClassGraph): GraphIssue[] {
  const issues: GraphIssue[] = []
  for (const kind of TRIPLE_KINDS) {
    const want = triplesOf(g, kind).length
    const got = g.clauses[kind].length
    if (want !== got) {
      issues.push({
        className,
        field: CLAUSE_FIELD[kind],
        message: `has ${got} clause(s) for ${want} triple(s) in ${TRIPLE_FIELD[kind]}`,
        fix: 'write exactly one clause per triple, in the same order',
      })
    }
  }
  return issues
}
