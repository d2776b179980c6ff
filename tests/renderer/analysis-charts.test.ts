import { describe, expect, it } from 'vitest'
import type { PerClassTable } from '../../contract/api-runtime'
import { cellOfClick, confusionOptions, confusionRange } from '../../renderer/charts/confusion-options'
import { middleTruncate, scoreMatrixOptions, scoreRows } from '../../renderer/charts/score-matrix-options'
import { clauseOf, shownColumns, topPromptsPerFrame } from '../../renderer/charts/top-prompts'
import { sharedRange } from '../../renderer/charts/value-range'
import { attentionCells } from '../../renderer/components/maps/attention-cells'
import { formatSort, nextSort, parseSort, sortClasses } from '../../renderer/components/perclass/sort-classes'

type Series = { data: { value: number[]; itemStyle?: unknown }[] }[]

describe('confusion heatmap option', () => {
  const m = { runId: 1, evalKey: 'k', classes: ['a', 'b', 'c'], counts: [[3, 1, 0], [0, 2, 2], [0, 0, 4]] }
  it('puts predicted on x, true class on y, one labelled cell per non-zero count', () => {
    const o = confusionOptions(m) as { xAxis: { data: string[] }; yAxis: { data: string[]; inverse: boolean }; visualMap: { max: number }; series: Series }
    expect(o.xAxis.data).toEqual(['a', 'b', 'c'])
    expect(o.yAxis).toMatchObject({ data: ['a', 'b', 'c'], inverse: true })
    expect(o.series[0]!.data.map((d) => d.value)).toEqual([[0, 0, 3], [1, 0, 1], [1, 1, 2], [2, 1, 2], [2, 2, 4]])
    expect(o.visualMap.max).toBe(4)
    // The legend's scale is the chart's.
    expect(confusionRange(m)).toEqual({ min: 0, max: 4 })
    expect(confusionRange({ ...m, counts: [[0]] })).toEqual({ min: 0, max: 1 })
  })
  it('outlines the selected cell and maps a click back to (true, predicted)', () => {
    const o = confusionOptions(m, { trueClass: 1, predicted: 2 }) as { series: Series }
    expect(o.series[0]!.data.filter((d) => d.itemStyle).map((d) => d.value)).toEqual([[2, 1, 2]])
    expect(cellOfClick([2, 1, 2])).toEqual({ trueClass: 1, predicted: 2 })
    expect(cellOfClick('x')).toBeNull()
  })
})

describe('frame × prompt score matrix', () => {
  // [frames=2, classes=2, prompts=3]: value = 100·t + 10·k + m
  const scores = Float32Array.from({ length: 12 }, (_, i) => 100 * Math.floor(i / 6) + 10 * (Math.floor(i / 3) % 2) + (i % 3))
  const input = { scores, frames: 2, classes: ['run', 'walk'], prompts: [['r0', 'r1', 'r2'], ['w0', 'w1', 'w2']], show: [1, 0], frame: 1, range: { min: -5, max: 500 } }
  it('has one row per prompt of the shown classes, labelled with its text, values over frames', () => {
    const rows = scoreRows(input)
    expect(rows.map((r) => r.label)).toEqual(['T · w0', 'T · w1', 'T · w2', 'P · r0', 'P · r1', 'P · r2'])
    expect(scoreRows({ ...input, show: [0] }).map((r) => r.label)).toEqual(['r0', 'r1', 'r2'])
    expect(rows[1]!.values).toEqual([11, 111])
    expect(rows[3]!.values).toEqual([0, 100])
  })
  it('keeps the start and the end of a long prompt', () => {
    const text = 'a video of a red square sliding across the grass from the left edge to the right'
    const short = middleTruncate(text, 21)
    expect(short).toBe('a video of… the right')
    expect(short).toHaveLength(21)
    expect(middleTruncate('short', 21)).toBe('short')
  })
  it('marks the slider’s frame, colours on the shared range, and refuses a map of the wrong size', () => {
    const o = scoreMatrixOptions(input) as { series: Series; xAxis: { data: string[] }; visualMap: { min: number; max: number; show: boolean } }
    expect(o.xAxis.data).toEqual(['1', '2'])
    expect(o.visualMap).toMatchObject({ min: -5, max: 500, show: false })
    expect(o.series[0]!.data.filter((d) => d.itemStyle).map((d) => d.value)).toEqual([[1, 0, 110], [1, 1, 111], [1, 2, 112], [1, 3, 100], [1, 4, 101], [1, 5, 102]])
    expect(() => scoreRows({ ...input, scores: new Float32Array(5) })).toThrow(/5 values for 2 frames × 2 classes × 3 prompts \(12\)/)
  })
})

describe('attention overlay', () => {
  it('places one frame’s patches on the range shared by every run shown', () => {
    const a = Float32Array.from([1, 2, 3, 4, 0, 0, 0.5, 0.25])
    const range = sharedRange([a, Float32Array.from([8])])!
    expect(range).toEqual({ min: 0, max: 8 })
    expect(attentionCells(a, 2, 2, 0, range)).toEqual([0.125, 0.25, 0.375, 0.5])
    expect(attentionCells(a, 2, 2, 1, { min: 0, max: 0.5 })).toEqual([0, 0, 1, 0.5])
    expect(attentionCells(a, 2, 2, 1, { min: 1, max: 1 })).toEqual([0, 0, 0, 0])
    expect(() => attentionCells(a, 2, 2, 2, range)).toThrow(/frame 3 of 2/)
  })
  it('has no range without values, and skips values that are not finite', () => {
    expect(sharedRange([])).toBeNull()
    expect(sharedRange([[NaN, 2, -1]])).toEqual({ min: -1, max: 2 })
  })
})

describe('top-k prompts per frame (Figure 5)', () => {
  // 2 frames, kept classes [slide right (true), slide left (predicted)], 4 prompts each.
  const scores = {
    artifactId: 1,
    frames: 2,
    encoding: { dtype: 'float16' as const },
    classIndices: [3, 1],
    classes: ['slide right', 'slide left'],
    prompts: [
      ['a video of slide right.', 'a video of slide right, starting at the left.', 'a video of slide right, where a ball is red.', 'The man is slide right, starting at the left.'],
      ['a video of slide left.', 'a video of slide left, starting at the right.', 'a video of slide left, where a ball is red.', 'The man is slide left, starting at the right.'],
    ],
    kinds: [['C', 'T', 'S', 'T'], ['C', 'T', 'S', 'T']] as ('C' | 'S' | 'T' | null)[][],
  }
  // values[t][k][m]
  const values = Float32Array.from([
    /* t0 true */ 30, 20, 10, 25, /* t0 predicted */ 50, 5, 21, 6,
    /* t1 true */ 1, 2, 3, 4, /* t1 predicted */ 0, 9, 8, 7,
  ])
  it('lists each frame’s best clauses of the chosen classes, [C] left out, a clause once with its best template', () => {
    const top = topPromptsPerFrame(values, scores, [0], 2)
    expect(top.map((f) => f.map((p) => [p.kind, p.clause, p.score]))).toEqual([
      [['T', 'starting at the left', 25], ['S', 'where a ball is red', 10]],
      [['T', 'starting at the left', 4], ['S', 'where a ball is red', 3]],
    ])
    expect(top[0]![0]!.prompt).toBe('The man is slide right, starting at the left.')
    const both = topPromptsPerFrame(values, scores, [0, 1], 3)
    expect(both[0]!.map((p) => `${p.className}: ${p.clause} ${p.score}`)).toEqual(['slide right: starting at the left 25', 'slide left: where a ball is red 21', 'slide right: where a ball is red 10'])
    expect(both[1]!.map((p) => p.score)).toEqual([9, 8, 4])
  })
  it('keeps [C] prompts when the prompt set has nothing else, and refuses a map of the wrong size', () => {
    const onlyNames = { ...scores, kinds: [['C', 'C', 'C', 'C'], ['C', 'C', 'C', 'C']] as ('C' | 'S' | 'T' | null)[][] }
    expect(topPromptsPerFrame(values, onlyNames, [1], 1)[0]![0]).toMatchObject({ clause: 'a video of slide left.', score: 50 })
    expect(() => topPromptsPerFrame(new Float32Array(3), scores, [0], 1)).toThrow(/3 values for 2 frames × 2 classes × 4 prompts/)
  })
  it('cuts a prompt to its clause, and shows the true and the predicted class', () => {
    expect(clauseOf('Look, the person is slide right, starting at the left, then in the middle.', 'slide right')).toBe('starting at the left, then in the middle')
    expect(clauseOf('a video of slide right.', 'slide right')).toBe('a video of slide right.')
    const maps = { runId: 1, evalKey: 'k', video: 'v', label: 3, className: 'slide right', predicted: 1, predictedName: 'slide left', frames: null, attention: null, scores }
    expect(shownColumns(maps)).toEqual([0, 1])
    expect(shownColumns({ ...maps, predicted: 3 })).toEqual([0])
  })
})

describe('per-class sorting', () => {
  const cell = (accuracy: number, delta: number | null) => ({ correct: 0, total: 4, accuracy, delta })
  const table: PerClassTable = {
    evalKey: 'k',
    baselineRunId: 1,
    missingRunIds: [],
    runs: [{ id: 1, name: 'base', experimentName: 'e', accuracy: 50 }, { id: 2, name: 'new', experimentName: 'e', accuracy: 60 }],
    classes: [
      { index: 0, name: 'a', cells: [cell(50, null), cell(75, 25)] },
      { index: 1, name: 'b', cells: [cell(100, null), cell(50, -50)] },
      { index: 2, name: 'c', cells: [cell(25, null), null] },
      { index: 3, name: 'd', cells: [cell(0, null), cell(25, 25)] },
    ],
  }
  const names = (s: Parameters<typeof sortClasses>[1]) => sortClasses(table, s).map((r) => r.name)
  it('sorts by a run’s delta or accuracy, missing cells last, ties in class order', () => {
    expect(names({ by: 'delta', runId: 2, dir: 'desc' })).toEqual(['a', 'd', 'b', 'c'])
    expect(names({ by: 'delta', runId: 2, dir: 'asc' })).toEqual(['b', 'a', 'd', 'c'])
    expect(names({ by: 'accuracy', runId: 1, dir: 'desc' })).toEqual(['b', 'a', 'c', 'd'])
    expect(names({ by: 'class', runId: null, dir: 'desc' })).toEqual(['d', 'c', 'b', 'a'])
  })
  it('round-trips through the URL and cycles desc → asc → class order on header clicks', () => {
    expect(parseSort(formatSort({ by: 'delta', runId: 2, dir: 'desc' }))).toEqual({ by: 'delta', runId: 2, dir: 'desc' })
    expect(parseSort('nonsense')).toEqual({ by: 'class', runId: null, dir: 'asc' })
    const first = nextSort(parseSort(undefined), 'delta', 2)
    const second = nextSort(first, 'delta', 2)
    expect([first.dir, second.dir, nextSort(second, 'delta', 2).by]).toEqual(['desc', 'asc', 'class'])
  })
})
