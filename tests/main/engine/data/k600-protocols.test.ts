import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempDir } from '../../../helpers/temp-dir'
import { loadK600ZeroShot } from '../../../../main/engine/data/adapters/k600-zeroshot-root'
import { loadK600ZeroShotSplit } from '../../../../main/engine/data/adapters/k600-zeroshot'
import { protocolSets } from '../../../../main/engine/data/protocols/protocols'
import { halfClassSubsets } from '../../../../main/engine/data/protocols/subsets'
import { makeHmdbRoot, makeK600ZeroShot, makeUcfRoot, put } from './make-fixtures'

let dir: ReturnType<typeof tempDir>
beforeEach(() => {
  dir = tempDir('stdd-proto-')
})
afterEach(() => dir.remove())

describe('Kinetics-600 zero-shot splits', () => {
  it('takes the 160 test classes of split k and re-indexes them alphabetically', () => {
    const { names, test } = makeK600ZeroShot(dir.path)
    const zs = loadK600ZeroShotSplit(join(dir.path, 'zsl220/classes620_label_defn.json'), join(dir.path, 'zsl220/tst_class_idxs.json'), 2, join(dir.path, 'zsl220/val_class_idxs.json'))
    expect(zs.testClasses).toHaveLength(160)
    expect(zs.valClasses).toHaveLength(60)
    expect(zs.testClasses).toEqual(test[1]!.map((i) => names[i]).sort())
    // names were generated in descending order, so sorting really re-orders them
    expect(test[1]!.map((i) => names[i])).not.toEqual(zs.testClasses)
  })

  it('builds the evaluation list from the K600 validation class folders', () => {
    const { names, test } = makeK600ZeroShot(dir.path)
    for (const i of test[0]!) put(dir.path, `val/${names[i]!.replace(/ /g, '_')}/yt${i}_000010_000020.mp4`)
    put(dir.path, 'val/k400_class_001/other_000000_000010.mp4') // a K400 class: not part of the split
    const list = loadK600ZeroShot(dir.path, 1)
    expect(list.classes).toHaveLength(160)
    expect(list.items).toHaveLength(160)
    for (const it of list.items) expect(it.path).toContain(`/${list.classes[it.label]!.replace(/ /g, '_')}/`)
  })

  it('builds the evaluation list from the official K600 validate.csv, and names a test class without videos', () => {
    const { names, test } = makeK600ZeroShot(dir.path)
    const rows = test[2]!.slice(1).map((i, k) => `"${names[i]}",yt${k},${k},${k + 10},val`)
    test[2]!.slice(1).forEach((_, k) => put(dir.path, `val/yt${k}_${String(k).padStart(6, '0')}_${String(k + 10).padStart(6, '0')}.mp4`))
    put(dir.path, 'validate.csv', ['label,youtube_id,time_start,time_end,split', ...rows, '"k400 class 003",zz,1,11,val'].join('\n'))
    expect(() => loadK600ZeroShot(dir.path, 3)).toThrow(`no validation videos for 1 test class(es) of split 3: "${names[test[2]![0]!]}"`)
    put(dir.path, 'validate.csv', ['label,youtube_id,time_start,time_end,split', ...rows, `"${names[test[2]![0]!]}",gone,1,11,val`].join('\n'))
    const list = loadK600ZeroShot(dir.path, 3)
    expect(list.items).toHaveLength(159)
    expect(list.missing).toHaveLength(1)
    expect(list.missing[0]!.className).toBe(names[test[2]![0]!])
  })

  it('errors on overlapping val/test, a wrong file, a class without videos', () => {
    const { test, val } = makeK600ZeroShot(dir.path)
    const c620 = join(dir.path, 'zsl220/classes620_label_defn.json')
    const tst = join(dir.path, 'zsl220/tst_class_idxs.json')
    const valFile = join(dir.path, 'zsl220/val_class_idxs.json')
    expect(() => loadK600ZeroShotSplit(c620, valFile, 1)).toThrow(`${valFile}: split 1 has 60 classes; expected 160 (is this the val_class_idxs.json?`)
    writeFileSync(valFile, JSON.stringify([[test[0]![0], ...val[0]!.slice(1)], val[1], val[2]]))
    expect(() => loadK600ZeroShotSplit(c620, tst, 1, valFile)).toThrow(`split 1: classes ${test[0]![0]} are both val and test`)
    rmSync(valFile)
    put(dir.path, 'val/some_class/x_000000_000010.mp4')
    expect(() => loadK600ZeroShot(dir.path, 1)).toThrow(/no folder for class/)
    writeFileSync(c620, JSON.stringify(['a', 'b']))
    expect(() => loadK600ZeroShot(dir.path, 1)).toThrow(`${c620}: expected 620 classes, found 2`)
  })
})

describe('protocols on official-format fixtures', () => {
  it('EP1: half-class subsets of UCF split-1 train+test, labels re-indexed', () => {
    makeUcfRoot(dir.path)
    const sets = protocolSets('ep1', 'ucf101', dir.path, { count: 3, seed: 2023 })
    const subsets = halfClassSubsets(4, 3, 2023)
    expect(sets).toHaveLength(3)
    sets.forEach((s, i) => {
      expect(s.list.classes).toEqual(subsets[i]!.map((c) => ['Apply Eye Makeup', 'Handstand Pushups', 'Yoyo', 'Hammering'][c]))
      expect(s.list.items).toHaveLength(2 * 3) // 2 classes × (2 train + 1 test)
      expect(new Set(s.list.items.map((it) => it.label))).toEqual(new Set([0, 1]))
    })
  })

  it('EP2 HMDB uses split-1 tags 1+2; EP3 the three test splits', () => {
    makeHmdbRoot(dir.path)
    const [full] = protocolSets('ep2', 'hmdb51', dir.path)
    expect(full!.list.items).toHaveLength(5 * 3)
    const ep3 = protocolSets('ep3', 'hmdb51', dir.path)
    expect(ep3.map((s) => s.name)).toEqual(['split 1', 'split 2', 'split 3'])
    expect(ep3.map((s) => s.list.items.length)).toEqual([5, 5, 5])
    expect(ep3[2]!.list.items[0]!.path).toMatch(/_c_s3\.avi$/)
    expect(() => protocolSets('ep1', 'k400', dir.path)).toThrow(/EP1 runs on ucf101 or hmdb51/)
  })
})
