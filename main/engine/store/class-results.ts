import type { Db } from './db'

export interface ClassResultRow {
  classIndex: number
  className: string
  correct: number
  top5Correct: number
  total: number
  /** Predicted class index → count, for this true class. */
  confusion: Record<number, number>
}

/** Per-class accuracy and confusion of one evaluation set, replacing any earlier rows of the same key. */
export function saveClassResults(db: Db, runId: number, evalKey: string, rows: readonly ClassResultRow[]): void {
  const insert = db.prepare(
    `INSERT INTO class_results (run_id, eval_key, class_index, class_name, correct, top5_correct, total, confusion_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (run_id, eval_key, class_index) DO UPDATE SET class_name = excluded.class_name, correct = excluded.correct, top5_correct = excluded.top5_correct, total = excluded.total, confusion_json = excluded.confusion_json`,
  )
  db.transaction(() => {
    for (const r of rows) insert.run(runId, evalKey, r.classIndex, r.className, r.correct, r.top5Correct, r.total, JSON.stringify(r.confusion))
  })()
}
