import { PROMPT_SET_KEY } from '../../../contract'
import { sha256Hex } from '../text/prompts/hash'
import type { Db } from './db'
import { placeholders } from './sql'

/**
 * Which prompt set each evaluation set of a run used (`<eval key>/<set name>` → prompt set). The
 * run's `prompt_set_id` column keeps the first only; a run with several targets or subsets needs all.
 */

export interface RunPromptSet {
  runId: number
  /** `<dataset>/<split>/<set name>`, the key of the set's predictions. */
  setKey: string
  hash: string
  kind: string
}

/** Records the prompt set a run's evaluation set used; also the run's first prompt set, if it has none yet. */
export function recordRunPromptSet(db: Db, runId: number, setKey: string, promptSetId: number): void {
  db.transaction(() => {
    db.prepare('INSERT OR REPLACE INTO run_prompt_sets (run_id, eval_key, prompt_set_id) VALUES (?, ?, ?)').run(runId, setKey, promptSetId)
    db.prepare('UPDATE runs SET prompt_set_id = COALESCE(prompt_set_id, ?) WHERE id = ?').run(promptSetId, runId)
  })()
}

/** The prompt sets of the given runs, per evaluation set, in set-key order. */
export function runPromptSets(db: Db, runIds: readonly number[]): RunPromptSet[] {
  if (runIds.length === 0) return []
  return db
    .prepare(
      `SELECT r.run_id AS runId, r.eval_key AS setKey, p.hash, p.kind FROM run_prompt_sets r JOIN prompt_sets p ON p.id = r.prompt_set_id
       WHERE r.run_id IN (${placeholders(runIds)}) ORDER BY r.run_id, r.eval_key`,
    )
    .all(...runIds) as RunPromptSet[]
}


/**
 * Per run, the prompt set it used on each target (`promptSetHash.<dataset>/<split>`): the set's hash,
 * or for a target of several sets (subsets, splits) a hash of their hashes.
 */
export function promptSetHashes(db: Db, runIds: readonly number[]): Map<number, Record<string, string>> {
  const lists = new Map<number, Map<string, string[]>>(runIds.map((id) => [id, new Map()]))
  for (const s of runPromptSets(db, runIds)) {
    const byTarget = lists.get(s.runId)!
    const target = s.setKey.split('/').slice(0, 2).join('/')
    byTarget.set(target, [...(byTarget.get(target) ?? []), `${s.setKey}=${s.hash}`])
  }
  const hashOf = (list: string[]): string => (list.length === 1 ? list[0]!.slice(list[0]!.lastIndexOf('=') + 1) : sha256Hex(list.join('\n')))
  return new Map([...lists].map(([id, byTarget]) => [id, Object.fromEntries([...byTarget].map(([t, list]) => [`${PROMPT_SET_KEY}${t}`, hashOf(list)]))]))
}
