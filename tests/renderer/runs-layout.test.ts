import { describe, expect, it } from 'vitest'
import { runsLayout, visibleRange } from '../../renderer/components/runs/runs-layout'

describe('the runs table layout', () => {
  it('puts a header before each group and maps positions to row indices across groups', () => {
    const l = runsLayout(5, [{ label: 'a', count: 2 }, { label: 'b', count: 3 }])
    expect(l.itemCount).toBe(7)
    expect(Array.from({ length: 7 }, (_, p) => l.itemAt(p))).toEqual([
      { kind: 'group', label: 'a', count: 2 },
      { kind: 'run', rowIndex: 0 },
      { kind: 'run', rowIndex: 1 },
      { kind: 'group', label: 'b', count: 3 },
      { kind: 'run', rowIndex: 2 },
      { kind: 'run', rowIndex: 3 },
      { kind: 'run', rowIndex: 4 },
    ])
  })

  it('is the rows themselves when ungrouped, and shows only the rows in view', () => {
    expect(runsLayout(3, []).itemAt(2)).toEqual({ kind: 'run', rowIndex: 2 })
    expect(visibleRange(3600, 360, 36, 1000, 2)).toEqual({ first: 98, last: 112 })
    expect(visibleRange(0, 360, 36, 4, 2)).toEqual({ first: 0, last: 3 })
  })
})
