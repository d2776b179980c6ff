import type { Db } from './db'
import { placeholders } from './sql'

/**
 * Per-video predictions of an evaluation set (written once per set at evaluation time, replacing an
 * earlier evaluation of the same key): what the per-class view lists when a confusion cell is clicked.
 */

export interface VideoPrediction {
  /** Position of the video in its evaluation set. */
  videoIndex: number
  /** The video as the evaluator names it (a path, or a SynthMotion class folder and index). */
  video: string
  trueClass: number
  /** The highest-scoring class (the confusion matrix's column). */
  predicted: number
  /** The five highest-scoring classes, best first. */
  top5: { classIndex: number; score: number }[]
  /** The true class's score (summed over views, as the top-5). */
  trueScore: number
  /** SynthMotion: the class's order-only partner (its videos played backwards) and its score; null elsewhere. */
  partnerClass: number | null
  partnerScore: number | null
}

interface Row {
  video_index: number
  video: string
  true_class: number
  predicted: number
  top5_json: string
  true_score: number
  partner_class: number | null
  partner_score: number | null
}

export function savePredictions(db: Db, runId: number, evalKey: string, rows: readonly VideoPrediction[]): void {
  const insert = db.prepare(
    'INSERT INTO video_predictions (run_id, eval_key, video_index, video, true_class, predicted, top5_json, true_score, partner_class, partner_score) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  )
  db.transaction(() => {
    db.prepare('DELETE FROM video_predictions WHERE run_id = ? AND eval_key = ?').run(runId, evalKey)
    for (const r of rows) insert.run(runId, evalKey, r.videoIndex, r.video, r.trueClass, r.predicted, JSON.stringify(r.top5), r.trueScore, r.partnerClass, r.partnerScore)
  })()
}

export interface PredictionFilter {
  trueClass?: number
  predicted?: number
  limit: number
}

/** A run's predictions for one evaluation key, in evaluation order, optionally one confusion cell's. */
export function listPredictions(db: Db, runId: number, evalKey: string, f: PredictionFilter): VideoPrediction[] {
  const where = ['run_id = ?', 'eval_key = ?']
  const params: unknown[] = [runId, evalKey]
  if (f.trueClass !== undefined) {
    where.push('true_class = ?')
    params.push(f.trueClass)
  }
  if (f.predicted !== undefined) {
    where.push('predicted = ?')
    params.push(f.predicted)
  }
  const rows = db.prepare(`SELECT * FROM video_predictions WHERE ${where.join(' AND ')} ORDER BY video_index LIMIT ?`).all(...params, f.limit) as Row[]
  return rows.map(toPrediction)
}

function toPrediction(r: Row): VideoPrediction {
  return {
    videoIndex: r.video_index,
    video: r.video,
    trueClass: r.true_class,
    predicted: r.predicted,
    top5: JSON.parse(r.top5_json) as VideoPrediction['top5'],
    trueScore: r.true_score,
    partnerClass: r.partner_class,
    partnerScore: r.partner_score,
  }
}

/** Every stored prediction of the given runs, by run, evaluation key and video (intervals and paired tests over videos). */
export function listRunsPredictions(db: Db, runIds: readonly number[]): (VideoPrediction & { runId: number; evalKey: string })[] {
  if (runIds.length === 0) return []
  const rows = db.prepare(`SELECT * FROM video_predictions WHERE run_id IN (${placeholders(runIds)}) ORDER BY run_id, eval_key, video_index`).all(...runIds) as (Row & { run_id: number; eval_key: string })[]
  return rows.map((r) => ({ ...toPrediction(r), runId: r.run_id, evalKey: r.eval_key }))
}
