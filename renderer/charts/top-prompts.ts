import type { PromptKind, VideoMaps } from '../../contract/api-runtime'

/**
 * "Top-k prompts per frame", as in the paper's Figure 5: for each frame, the k prompts of the chosen
 * classes with the highest λ·cos(frame, prompt), best first. A clause is listed once per class (the
 * same clause under several templates keeps its best score), and prompts that only name the class
 * ([C]) are left out unless the prompt set has nothing else.
 */

export interface FramePrompt {
  /** The kept column (0: the true class) and its name. */
  column: number
  className: string
  /** The clause after the class name ("starting at the left, …"), or the whole prompt for a [C] prompt. */
  clause: string
  /** The whole prompt. */
  prompt: string
  kind: PromptKind
  score: number
}

type Scores = NonNullable<VideoMaps['scores']>

/** The part of a prompt after `className, ` (without a closing full stop), or the prompt itself. */
export function clauseOf(prompt: string, className: string): string {
  const at = prompt.indexOf(`${className}, `)
  return at < 0 ? prompt : prompt.slice(at + className.length + 2).replace(/\.\s*$/, '')
}

/** Per frame, the k best prompts of the kept `columns` from the decoded score map `values` ([frames, kept, prompts]). */
export function topPromptsPerFrame(values: Float32Array, scores: Scores, columns: readonly number[], k: number): FramePrompt[][] {
  const kept = scores.classIndices.length
  const m = scores.prompts[0]?.length ?? 0
  if (values.length !== scores.frames * kept * m) throw new Error(`score map: ${values.length} values for ${scores.frames} frames × ${kept} classes × ${m} prompts`)
  const onlyNames = columns.every((c) => scores.kinds[c]!.every((kind) => kind === 'C'))
  return Array.from({ length: scores.frames }, (_, t) => {
    const best = new Map<string, FramePrompt>()
    for (const c of columns)
      for (let j = 0; j < m; j++) {
        const kind = scores.kinds[c]![j] ?? null
        if (kind === 'C' && !onlyNames) continue
        const prompt = scores.prompts[c]![j]!
        const className = scores.classes[c]!
        const clause = kind === 'C' ? prompt : clauseOf(prompt, className)
        const score = values[(t * kept + c) * m + j]!
        const key = `${c}\u0000${clause}`
        const seen = best.get(key)
        if (!seen || score > seen.score) best.set(key, { column: c, className, clause, prompt, kind, score })
      }
    return [...best.values()].sort((a, b) => b.score - a.score).slice(0, k)
  })
}

/** The kept columns a reader compares: the true class (column 0) and, when it differs, the predicted one. */
export function shownColumns(maps: VideoMaps): number[] {
  const predicted = maps.scores?.classIndices.indexOf(maps.predicted) ?? -1
  return predicted > 0 ? [0, predicted] : [0]
}
