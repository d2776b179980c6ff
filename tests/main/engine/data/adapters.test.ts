import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempDir } from '../../../helpers/temp-dir'
import { loadHmdb51 } from '../../../../main/engine/data/adapters/hmdb51'
import { loadKineticsCsv, loadKineticsFolders } from '../../../../main/engine/data/adapters/kinetics'
import { loadUcf101 } from '../../../../main/engine/data/adapters/ucf101'
import { loadDatasetSplit } from '../../../../main/engine/data/adapters'
import { hmdbDisplayName, ucfDisplayName } from '../../../../main/engine/data/class-names'
import { DataError } from '../../../../main/engine/data/errors'
import { makeHmdbRoot, makeUcfRoot, put } from './make-fixtures'

let dir: ReturnType<typeof tempDir>
beforeEach(() => {
  dir = tempDir('stdd-data-')
})
afterEach(() => dir.remove())

describe('class names (docs/method.md §3.5)', () => {
  it('splits UCF CamelCase and fixes Yo Yo', () => {
    expect(ucfDisplayName('HandstandPushups')).toBe('Handstand Pushups')
    expect(ucfDisplayName('YoYo')).toBe('Yoyo')
    expect(ucfDisplayName('ApplyEyeMakeup')).toBe('Apply Eye Makeup')
    expect(ucfDisplayName('PlayingDaf')).toBe('Playing Daf')
    expect(hmdbDisplayName('climb_stairs')).toBe('climb stairs')
  })
})

describe('UCF101 adapter', () => {
  it('reads the official test list with classInd labels and display names', () => {
    makeUcfRoot(dir.path)
    const list = loadUcf101(dir.path, { split: 1, list: 'test' })
    expect(list.classes).toEqual(['Apply Eye Makeup', 'Handstand Pushups', 'Yoyo', 'Hammering'])
    expect(list.items.map((i) => [i.label, i.className])).toEqual([
      [0, 'Apply Eye Makeup'],
      [1, 'Handstand Pushups'],
      [2, 'Yoyo'],
      [3, 'Hammering'],
    ])
    expect(list.items[1]!.path).toBe(join(dir.path, 'UCF-101', 'HandstandPushups', 'v_HandStandPushups_g01_c01.avi'))
    expect(list.items[1]!.source).toMatch(/testlist01\.txt:2$/)
    expect(list.missing).toEqual([])
  })

  it('reads train (labelled) and trainval, for every split', () => {
    makeUcfRoot(dir.path)
    expect(loadUcf101(dir.path, { split: 2, list: 'train' }).items).toHaveLength(8)
    const tv = loadUcf101(dir.path, { split: 3, list: 'trainval' })
    expect(tv.items).toHaveLength(12)
    expect(tv.items.filter((i) => i.label === 2)).toHaveLength(3)
  })

  it('puts listed-but-absent videos in `missing`', () => {
    makeUcfRoot(dir.path)
    rmSync(join(dir.path, 'UCF-101', 'YoYo', 'v_YoYo_g01_c01.avi'))
    const list = loadUcf101(dir.path)
    expect(list.items).toHaveLength(3)
    expect(list.missing.map((m) => m.className)).toEqual(['Yoyo'])
  })

  it('names the file and line of an unknown class, a wrong label, a bad line', () => {
    makeUcfRoot(dir.path)
    const test = join(dir.path, 'ucfTrainTestlist', 'testlist01.txt')
    writeFileSync(test, 'ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01.avi\nSkiing/v_Skiing_g01_c01.avi\n')
    expect(() => loadUcf101(dir.path)).toThrow(`${test}:2: unknown class "Skiing"`)
    const train = join(dir.path, 'ucfTrainTestlist', 'trainlist01.txt')
    writeFileSync(train, 'ApplyEyeMakeup/v_ApplyEyeMakeup_g02_c01.avi 3\n')
    expect(() => loadUcf101(dir.path, { list: 'train' })).toThrow(`${train}:1: label 3 does not match class "ApplyEyeMakeup"`)
    writeFileSync(train, 'ApplyEyeMakeup/v_ApplyEyeMakeup_g02_c01.avi\n')
    expect(() => loadUcf101(dir.path, { list: 'train' })).toThrow(`${train}:1: expected "<Class>/<video>.avi <id>"`)
  })

  it('rejects an empty list, a missing list, a broken classInd, a missing annotation folder', () => {
    makeUcfRoot(dir.path)
    const test = join(dir.path, 'ucfTrainTestlist', 'testlist01.txt')
    writeFileSync(test, '\n\n')
    expect(() => loadUcf101(dir.path)).toThrow(`${test}: the test list is empty`)
    rmSync(test)
    expect(() => loadUcf101(dir.path)).toThrow(`${test}: UCF101 test list not found`)
    const ind = join(dir.path, 'ucfTrainTestlist', 'classInd.txt')
    writeFileSync(ind, '1 A\n3 B\n')
    expect(() => loadUcf101(dir.path)).toThrow(`${ind}:2: class id 3 out of order`)
    rmSync(join(dir.path, 'ucfTrainTestlist'), { recursive: true })
    expect(() => loadUcf101(dir.path)).toThrow(DataError)
    expect(() => loadUcf101(dir.path)).toThrow(/no classInd.txt.*UCF101TrainTestSplits/)
  })
})

describe('HMDB51 adapter', () => {
  it('sorts classes by spaced name and keeps the requested tags', () => {
    makeHmdbRoot(dir.path)
    const test = loadHmdb51(dir.path, { split: 2, tags: [2] })
    expect(test.classes).toEqual(['brush hair', 'climb', 'climb stairs', 'sword', 'sword exercise'])
    expect(test.items.map((i) => i.path.slice(dir.path.length + 1))).toEqual(['brush_hair', 'climb', 'climb_stairs', 'sword', 'sword_exercise'].map((f) => join('hmdb51_org', f, `${f}_c_s2.avi`)))
    expect(test.items.map((i) => i.label)).toEqual([0, 1, 2, 3, 4])
    const trainTest = loadHmdb51(dir.path, { split: 1, tags: [1, 2] })
    expect(trainTest.items).toHaveLength(15)
    expect(trainTest.items.filter((i) => i.className === 'sword')).toHaveLength(3)
  })

  it('names the file and line of a bad tag or line, and a class with no videos', () => {
    makeHmdbRoot(dir.path)
    const f = join(dir.path, 'testTrainMulti_7030_splits', 'climb_test_split1.txt')
    writeFileSync(f, 'a.avi 1 \nb.avi 7 \n')
    expect(() => loadHmdb51(dir.path)).toThrow(`${f}:2: tag 7 is not 0 (unused), 1 (train) or 2 (test)`)
    writeFileSync(f, 'a.avi 1 \nb.avi\n')
    expect(() => loadHmdb51(dir.path, { tags: [1] })).toThrow(`${f}:2: expected "<video>.avi <tag>"`)
    writeFileSync(f, 'a.avi 1 \n')
    expect(() => loadHmdb51(dir.path, { tags: [2] })).toThrow(`${f}: no videos with tag 2`)
  })

  it('notices a split with missing class files', () => {
    makeHmdbRoot(dir.path)
    rmSync(join(dir.path, 'testTrainMulti_7030_splits', 'climb_test_split3.txt'))
    expect(() => loadHmdb51(dir.path, { split: 1 })).toThrow(/split 1 has 5 class files but split 3 has 4/)
  })
})

describe('Kinetics adapters', () => {
  it('reads the official CSV, finds <ytid>_<start6>_<end6> files in class folders, reports missing ones', () => {
    const csv = put(
      dir.path,
      'validate.csv',
      ['label,youtube_id,time_start,time_end,split', 'abseiling,abc-_123XYZ,14,24,val', '"passing American football (in game)",Zz9,0,10,val', 'zumba,q1,300,310,val', 'abseiling,gone,5,15,val'].join('\n'),
    )
    put(dir.path, 'val/abseiling/abc-_123XYZ_000014_000024.mp4')
    put(dir.path, 'val/passing_American_football_(in_game)/Zz9_000000_000010.mp4')
    put(dir.path, 'val/zumba/q1_000300_000310.mp4')
    const list = loadKineticsCsv(csv, { videoDir: join(dir.path, 'val') })
    expect(list.classes).toEqual(['abseiling', 'passing American football (in game)', 'zumba'])
    expect(list.items.map((i) => [i.label, i.path.slice(dir.path.length + 1)])).toEqual([
      [0, join('val', 'abseiling', 'abc-_123XYZ_000014_000024.mp4')],
      [1, join('val', 'passing_American_football_(in_game)', 'Zz9_000000_000010.mp4')],
      [2, join('val', 'zumba', 'q1_000300_000310.mp4')],
    ])
    expect(list.missing.map((m) => m.source)).toEqual([`${csv}:5`])
    const root = loadDatasetSplit(dir.path, 'k400', 'val')
    expect(root.items).toHaveLength(3)
  })

  it('errors on a CSV without labels, an unknown class, a bad row', () => {
    const noLabel = put(dir.path, 'test.csv', 'youtube_id,time_start,time_end,split\nabc,1,11,test\n')
    expect(() => loadKineticsCsv(noLabel, { videoDir: dir.path })).toThrow(`${noLabel}:1: the header has no "label" column`)
    const bad = put(dir.path, 'bad.csv', 'label,youtube_id,time_start,time_end,split\nabseiling,abc,x,11,val\n')
    expect(() => loadKineticsCsv(bad, { videoDir: dir.path })).toThrow(`${bad}:2: time_start/time_end must be numbers`)
  })

  it('reads the class-folder layout with folder names turned into class names', () => {
    put(dir.path, 'val/zumba/a_000001_000011.mp4')
    put(dir.path, 'val/passing_American_football_(in_game)/b_000001_000011.mp4')
    put(dir.path, 'val/passing_American_football_(in_game)/notes.txt')
    const list = loadKineticsFolders(join(dir.path, 'val'))
    expect(list.classes).toEqual(['passing American football (in game)', 'zumba'])
    expect(list.items.map((i) => i.label)).toEqual([0, 1])
    expect(() => loadKineticsFolders(join(dir.path, 'val'), { classes: ['zumba', 'yoga'] })).toThrow(/no folder for class "yoga"/)
  })
})
