import { describe, expect, it } from 'vitest'
import { parameterImportance, ranks } from '../../renderer/components/compare/param-importance'
import { parallelOptions } from '../../renderer/charts/parallel-options'
import type { CompareKey } from '../../contract/api-runtime'

const key = (k: string, values: CompareKey['values']): CompareKey => ({ key: k, values, differs: true })

describe('parameter importance', () => {
  it('ranks ties at their mean rank', () => {
    expect(ranks([10, 30, 20, 20])).toEqual([1, 4, 2.5, 2.5])
  })

  it('is |Spearman ρ| for numeric keys with its direction, η for categorical ones, most important first', () => {
    const top1 = [10, 20, 30, 40]
    const out = parameterImportance(
      [
        key('train.lr', [0.1, 0.01, 0.001, 0.0001]), // falls as top-1 rises: ρ = −1
        key('seed', [3, 1, 4, 2]), // ρ = (hand) 1 − 6·Σd²/(n(n²−1)) with d = (2, −1, 1, −2) → 1 − 60/60 = 0
        key('model.adaptation.mode', ['frozen', 'frozen', 'full', 'full']), // groups 15 and 35 around 25: η² = (2·100 + 2·100)/500 = 0.8
      ],
      top1,
    )
    expect(out.map((k) => [k.key, Number(k.importance.toFixed(4)), k.direction, k.kind])).toEqual([
      ['train.lr', 1, -1, 'rank correlation'],
      ['model.adaptation.mode', Number(Math.sqrt(0.8).toFixed(4)), 0, 'correlation ratio'],
      ['seed', 0, 0, 'rank correlation'],
    ])
  })

  it('leaves out runs without the target, and needs three runs that have it', () => {
    expect(parameterImportance([key('seed', [1, 2, 3])], [1, undefined, 3])).toEqual([])
  })

  it('draws an axis per differing key, the target last, and a line per run that has the target', () => {
    const o = parallelOptions([key('train.lr', [0.1, 0.01]), key('mode', ['frozen', 'full'])], [{ label: '#1 a' }, { label: '#2 b' }], { name: 'eval/ucf101/ep1/top1', values: [40, undefined] }) as {
      parallelAxis: { name: string; type: string }[]
      series: { name: string; data: unknown[] }[]
    }
    expect(o.parallelAxis.map((a) => [a.name, a.type])).toEqual([['train.lr', 'value'], ['mode', 'category'], ['eval/ucf101/ep1/top1', 'value']])
    expect(o.series.map((s) => [s.name, s.data])).toEqual([['#1 a', [[0.1, 'frozen', 40]]], ['#2 b', []]])
  })
})
