import type { ClassResultRow } from './class-results'
import type { Db } from './db'
import { placeholders } from './sql'

/** Reads of the per-class results the evaluator saved (`class_results`), for the per-class view. */

export interface StoredClassResult extends ClassResultRow {
  runId: number
}

/** The evaluation keys (`synthmotion/unseen/unseen classes`, `ucf101/ep1/subset 3`…) with per-class results, and which of the runs have each. */
export function classResultKeys(db: Db, runIds: readonly number[]): { key: string; runIds: number[] }[] {
  if (runIds.length === 0) return []
  const rows = db.prepare(`SELECT DISTINCT eval_key, run_id FROM class_results WHERE run_id IN (${placeholders(runIds)}) ORDER BY eval_key, run_id`).all(...runIds) as { eval_key: string; run_id: number }[]
  const keys = new Map<string, number[]>()
  for (const r of rows) keys.set(r.eval_key, [...(keys.get(r.eval_key) ?? []), r.run_id])
  return [...keys].map(([key, ids]) => ({ key, runIds: ids }))
}

/** Every class row of the runs for one evaluation key. */
export function classResults(db: Db, runIds: readonly number[], evalKey: string): StoredClassResult[] {
  if (runIds.length === 0) return []
  const rows = db
    .prepare(`SELECT run_id, class_index, class_name, correct, top5_correct, total, confusion_json FROM class_results WHERE eval_key = ? AND run_id IN (${placeholders(runIds)}) ORDER BY class_index, run_id`)
    .all(evalKey, ...runIds) as { run_id: number; class_index: number; class_name: string; correct: number; top5_correct: number; total: number; confusion_json: string }[]
  return rows.map((r) => ({
    runId: r.run_id,
    classIndex: r.class_index,
    className: r.class_name,
    correct: r.correct,
    top5Correct: r.top5_correct,
    total: r.total,
    confusion: JSON.parse(r.confusion_json) as Record<number, number>,
  }))
}
