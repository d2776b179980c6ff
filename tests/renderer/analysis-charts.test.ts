import { describe, expect, it } from 'vitest'
import type { PerClassTable } from '../../contract/api-runtime'
import { cellOfClick, confusionOptions } from '../../renderer/charts/confusion-options'
import { middleTruncate, scoreMatrixOptions, scoreRows } from '../../renderer/charts/score-matrix-options'
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
  const input = { scores, frames: 2, classes: ['run', 'walk'], prompts: [['r0', 'r1', 'r2'], ['w0', 'w1', 'w2']], show: [1, 0], frame: 1 }
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
  it('marks the slider’s frame and refuses a map of the wrong size', () => {
    const o = scoreMatrixOptions(input) as { series: Series; xAxis: { data: string[] } }
    expect(o.xAxis.data).toEqual(['1', '2'])
    expect(o.series[0]!.data.filter((d) => d.itemStyle).map((d) => d.value)).toEqual([[1, 0, 110], [1, 1, 111], [1, 2, 112], [1, 3, 100], [1, 4, 101], [1, 5, 102]])
    expect(() => scoreRows({ ...input, scores: new Float32Array(5) })).toThrow(/5 values for 2 frames × 2 classes × 3 prompts \(12\)/)
  })
})

describe('attention overlay', () => {
  it('scales one frame’s patches so its peak is 1', () => {
    const a = Float32Array.from([1, 2, 3, 4, 0, 0, 0.5, 0.25])
    expect(attentionCells(a, 2, 2, 0)).toEqual([0.25, 0.5, 0.75, 1])
    expect(attentionCells(a, 2, 2, 1)).toEqual([0, 0, 1, 0.5])
    expect(() => attentionCells(a, 2, 2, 2)).toThrow(/frame 3 of 2/)
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
