import type { RunStatus } from '../../../../contract'
import type { Engine } from '../../../../main/engine/engine'
import { deepMerge } from '../../../../main/engine/experiments/diff'
import { DEFAULT_CONFIG } from '../../../../main/engine/experiments/resolve'
import { recordStep } from '../../../../main/engine/store/metrics'
import { savePredictions } from '../../../../main/engine/store/predictions'
import { recordRunPromptSet } from '../../../../main/engine/store/run-prompt-sets'
import { createRun, setRunStatus } from '../../../../main/engine/store/runs'

/**
 * Runs as the evaluator leaves them, for results-table tests: a full frozen config, the target's
 * metrics, every video's prediction on SynthMotion's one unseen set (top-1 right or wrong as given,
 * the order-only partner scored below or above), and the prompt set the set used.
 */

export const TARGET = 'synthmotion/unseen'
const SET = `${TARGET}/unseen classes`

export interface FixtureRun {
  name: string
  seed: number
  /** Partial config merged over the defaults. */
  config?: Record<string, unknown>
  status?: RunStatus
  /** Per video: 1 right, 0 wrong (top-1). */
  top1?: number[]
  /** Per video: 1 when the class beats its order-only partner (default: as top-1). */
  pairs?: number[]
  /** The prompt set's hash (default `hash-a`). */
  promptSet?: string
}

function promptSetId(engine: Engine, hash: string): number {
  const found = engine.db.prepare('SELECT id FROM prompt_sets WHERE hash = ?').get(hash) as { id: number } | undefined
  if (found) return found.id
  const info = engine.db.prepare("INSERT INTO prompt_sets (hash, graph_id, kind, template_style, prompts_json, created_at) VALUES (?, NULL, 'st', 'dataset', '{}', '2025-01-01')").run(hash)
  return Number(info.lastInsertRowid)
}

export function addRun(engine: Engine, experimentId: number, r: FixtureRun): number {
  const config = deepMerge(DEFAULT_CONFIG, { ...r.config, seed: r.seed })
  const run = createRun(engine.db, { experimentId, name: r.name, config, configDiff: {}, seed: r.seed })
  if (r.top1) {
    const pairs = r.pairs ?? r.top1
    savePredictions(
      engine.db,
      run.id,
      SET,
      r.top1.map((right, i) => {
        const [trueClass, other] = [i % 4, (i % 4) + 4]
        const top5 = right ? [{ classIndex: trueClass, score: 2 }, { classIndex: other, score: 1 }] : [{ classIndex: other, score: 2 }, { classIndex: trueClass, score: 1 }]
        const trueScore = right ? 2 : 1
        return { videoIndex: i, video: `class ${trueClass}/${i}`, trueClass, predicted: top5[0]!.classIndex, top5, trueScore, partnerClass: other, partnerScore: pairs[i] ? trueScore - 0.5 : trueScore + 0.5 }
      }),
    )
    const pct = (xs: number[]) => (100 * xs.reduce((a, b) => a + b, 0)) / xs.length
    recordStep(engine.db, run.id, 10, 1, { [`eval/${TARGET}/top1`]: pct(r.top1), [`eval/${TARGET}/top5`]: 100, [`eval/${TARGET}/pair_acc`]: pct(pairs), [`eval/${TARGET}/n`]: 1, [`eval/${TARGET}/videos`]: r.top1.length })
    recordRunPromptSet(engine.db, run.id, SET, promptSetId(engine, r.promptSet ?? 'hash-a'))
  }
  setRunStatus(engine.db, run.id, r.status ?? 'done')
  return run.id
}
