import type { ValueRange } from './value-range'

/**
 * The frame × prompt score matrix of one video: λ·cos(frame, prompt) from a decoded score map
 * `[frames, kept classes, prompts]`, for the prompts of the chosen classes (rows, labelled with their
 * text; with two classes, the first is the true class `T`, the second the predicted one `P`),
 * frames as columns; the slider's frame is marked. The colours follow `range`, one scale shared by
 * every run shown (the view draws its legend: {@link SCORE_COLORS}).
 */

/** The score scale's colours, low to high. */
export const SCORE_COLORS = ['#10213d', '#2f5fae', '#3ecf8e', '#f5b94a'] as const

export interface ScoreMatrixInput {
  /** [frames, kept classes, prompts per class], row-major. */
  scores: Float32Array
  frames: number
  /** The kept classes' names. */
  classes: readonly string[]
  /** prompts[k][m]: the text of kept class k's prompt m. */
  prompts: readonly (readonly string[])[]
  /** The kept classes whose prompts are shown, in order. */
  show: readonly number[]
  /** The frame the slider is on (0-based). */
  frame: number
  /** The colour scale (shared across runs). */
  range: ValueRange
}

export interface ScoreRow {
  classIndex: number
  prompt: number
  /** The prompt's text, with a `T`/`P` tag (true / predicted class) when two classes are shown. */
  label: string
  values: number[]
}

const MAX_LABEL = 58

/** Long prompts share their template's start: keep the start and the end, drop the middle. */
export function middleTruncate(text: string, max = MAX_LABEL): string {
  if (text.length <= max) return text
  const head = Math.ceil((max - 1) / 2)
  return `${text.slice(0, head)}…${text.slice(text.length - (max - 1 - head))}`
}

/** The rows of the matrix: per shown class, one row per prompt. */
export function scoreRows(input: ScoreMatrixInput): ScoreRow[] {
  const k = input.classes.length
  const m = input.prompts[0]?.length ?? 0
  const expected = input.frames * k * m
  if (input.scores.length !== expected) throw new Error(`score map: ${input.scores.length} values for ${input.frames} frames × ${k} classes × ${m} prompts (${expected})`)
  return input.show.flatMap((c) =>
    Array.from({ length: m }, (_, j) => ({
      classIndex: c,
      prompt: j,
      label: `${input.show.length > 1 ? `${c === input.show[0] ? 'T' : 'P'} · ` : ''}${input.prompts[c]![j]!}`,
      values: Array.from({ length: input.frames }, (_, t) => input.scores[(t * k + c) * m + j]!),
    })),
  )
}

export function scoreMatrixOptions(input: ScoreMatrixInput): Record<string, unknown> {
  const rows = scoreRows(input)
  const { min, max } = input.range
  // The slider's frame: its column's cells are outlined.
  const current = { borderColor: '#ffffff', borderWidth: 1.5 }
  const data = rows.flatMap((r, y) => r.values.map((v, t) => ({ value: [t, y, Number(v.toFixed(3))], ...(t === input.frame ? { itemStyle: current } : {}) })))
  return {
    backgroundColor: 'transparent',
    animation: false,
    // Frame numbers on top: a tall matrix scrolls, its top stays readable.
    grid: { left: 330, right: 16, top: 24, bottom: 8 },
    tooltip: { position: 'top' },
    xAxis: { type: 'category', position: 'top', data: Array.from({ length: input.frames }, (_, t) => String(t + 1)), name: 'frame', nameLocation: 'start', nameGap: 12, nameTextStyle: { color: '#8b95a7' }, axisLabel: { color: '#8b95a7' } },
    yAxis: { type: 'category', data: rows.map((r) => middleTruncate(r.label)), inverse: true, axisLabel: { color: '#c9d1dd', fontSize: 11, width: 320, overflow: 'truncate' } },
    visualMap: { show: false, min, max, inRange: { color: [...SCORE_COLORS] } },
    series: [{ type: 'heatmap', data }],
  }
}
