import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempDir } from '../../../helpers/temp-dir'
import { loadDatasetSplit } from '../../../../main/engine/data/adapters'
import { loadHmdb51 } from '../../../../main/engine/data/adapters/hmdb51'
import { loadK600ZeroShot } from '../../../../main/engine/data/adapters/k600-zeroshot-root'
import { UCF101_CLASS_FOLDERS } from '../../../../main/engine/data/adapters/official-classes'
import { loadUcf101 } from '../../../../main/engine/data/adapters/ucf101'
import { ucfDisplayName } from '../../../../main/engine/data/class-names'
import { put } from './make-fixtures'

/**
 * The folders the STDD / Open-VCLIP / FROSTER code ships as `zs_label_db/`: `k600_split<k>/` with a
 * headless `test.csv` (split 2 of Open-VCLIP: `val.csv`) of `val/<class_folder>/<ytid>_<s6>_<e6>.mp4,<label>`
 * and `resource/{classes620_label_defn.json, tst_class_idxs.json}`; `ucf101_split<k>/` with the official
 * `testlist0k.txt`/`trainlist0k.txt` but no `classInd.txt`; `hmdb_split<k>/raw_txt/` with the split files.
 */

let dir: ReturnType<typeof tempDir>
beforeEach(() => {
  dir = tempDir('stdd-authors-')
})
afterEach(() => dir.remove())

const folderOf = (name: string): string => name.replace(/ /g, '_')

/** 620 names, 3 splits of 160 test classes; the class files only in k600_split3/resource (as in Open-VCLIP's tree). */
function k600Classes(): { names: string[]; test: number[][] } {
  const names = Array.from({ length: 620 }, (_, i) => (i < 400 ? `k400 class ${String(i).padStart(3, '0')}` : `new class (${619 - i + 400})`))
  const test = [0, 1, 2].map((s) => Array.from({ length: 220 }, (_, k) => 400 + ((k + 37 * s) % 220)).slice(60))
  put(dir.path, 'zs_label_db/k600_split3/resource/classes620_label_defn.json', JSON.stringify(names.map((word) => ({ word, defn: `${word}.`, cleaned_word: word, cleaned_defn: word }))))
  put(dir.path, 'zs_label_db/k600_split3/resource/tst_class_idxs.json', JSON.stringify(test))
  return { names, test }
}

/** The authors' list of split k as their process.py writes it: sorted test classes, one clip each, label = sorted index. */
function writeAuthorsList(split: number, file: string, testNames: string[], onDisk: (k: number) => boolean): string[] {
  const sorted = [...testNames].sort()
  const lines = sorted.map((name, label) => `val/${folderOf(name)}/yt${split}x${label}_000010_000020.mp4,${label}`)
  put(dir.path, `zs_label_db/k600_split${split}/${file}`, lines.join('\n') + '\n')
  sorted.forEach((name, label) => onDisk(label) && put(dir.path, `val/${folderOf(name)}/yt${split}x${label}_000010_000020.mp4`))
  return sorted
}

describe("the authors' K600 zero-shot folders", () => {
  it('reads zs_label_db/k600_split1/test.csv with the class files of another split folder, and reports missing clips', () => {
    const { names, test } = k600Classes()
    const sorted = writeAuthorsList(1, 'test.csv', test[0]!.map((i) => names[i]!), (k) => k % 4 !== 0)
    const list = loadK600ZeroShot(dir.path, 1)
    expect(list.classes).toEqual(sorted)
    expect(list.items).toHaveLength(120)
    expect(list.missing).toHaveLength(40)
    for (const it of [...list.items, ...list.missing]) expect(it.path).toBe(join(dir.path, 'val', folderOf(list.classes[it.label]!), `yt1x${it.label}_000010_000020.mp4`))
    expect(list.missing[0]!.source).toBe(`${join(dir.path, 'zs_label_db/k600_split1/test.csv')}:1`)
    expect(list.notes).toEqual([`k600 split 1: the authors' list ${join('zs_label_db', 'k600_split1', 'test.csv')}, videos relative to ${dir.path}`])
  })

  it("reads Open-VCLIP's split-2 val.csv, and the same list via stdd's --dataset k600 --split 2", () => {
    const { names, test } = k600Classes()
    writeAuthorsList(2, 'val.csv', test[1]!.map((i) => names[i]!), () => true)
    expect(loadK600ZeroShot(dir.path, 2).items).toHaveLength(160)
    expect(loadDatasetSplit(dir.path, 'k600', '2').items).toHaveLength(160)
  })

  it("refuses another split's list at its first wrong line, and names the missing class files", () => {
    const { names, test } = k600Classes()
    writeAuthorsList(1, 'test.csv', test[1]!.map((i) => names[i]!), () => true) // split 2's classes in split 1's folder
    const file = join(dir.path, 'zs_label_db/k600_split1/test.csv')
    expect(() => loadK600ZeroShot(dir.path, 1)).toThrow(new RegExp(`^${file.replace(/[/.]/g, '\\$&')}:\\d+: label \\d+ is ".*" but the video's folder is ".*" \\(the list belongs to another split`))
    const empty = tempDir('stdd-authors-empty-')
    try {
      expect(() => loadK600ZeroShot(empty.path, 1)).toThrow(/no classes620_label_defn\.json or tst_class_idxs\.json in zs_label_db\/k600_split1, .* \(copy the authors' zs_label_db\/k600_split1…3\/ folders/)
    } finally {
      empty.remove()
    }
  })
})

describe("the authors' UCF101 split folders (no classInd.txt)", () => {
  it('takes class ids from the official classInd order and says so', () => {
    const test = ['ApplyEyeMakeup/v_ApplyEyeMakeup_g02_c01.avi', 'Hammering/v_Hammering_g02_c01.avi', 'HammerThrow/v_HammerThrow_g02_c03.avi', 'YoYo/v_YoYo_g02_c02.avi']
    put(dir.path, 'zs_label_db/ucf101_split2/testlist02.txt', test.map((t) => `${t}\r\n`).join(''))
    put(dir.path, 'zs_label_db/ucf101_split2/trainlist02.txt', 'Hammering/v_Hammering_g09_c01.avi 35\r\n')
    for (const t of test.slice(1)) put(dir.path, `UCF-101/${t}`)
    const list = loadUcf101(dir.path, { split: 2, list: 'test' })
    expect(list.classes).toHaveLength(101)
    expect(list.classes.slice(33, 37)).toEqual(['Haircut', 'Hammering', 'Hammer Throw', 'Handstand Pushups'])
    expect(list.items.map((i) => [i.label, i.className])).toEqual([
      [34, 'Hammering'],
      [35, 'Hammer Throw'],
      [100, 'Yoyo'],
    ])
    expect(list.missing.map((m) => m.label)).toEqual([0])
    expect(list.notes).toEqual([`ucf101: no classInd.txt next to ${join(dir.path, 'zs_label_db/ucf101_split2/testlist02.txt')}; class ids follow UCF101's official classInd order`])
    expect(loadUcf101(dir.path, { split: 2, list: 'train' }).missing.map((m) => m.label)).toEqual([34])
  })

  it('the official order is the one the authors derived (first appearance in testlist01), display names per docs/method.md §3.5', () => {
    expect(UCF101_CLASS_FOLDERS).toHaveLength(101)
    expect(new Set(UCF101_CLASS_FOLDERS).size).toBe(101)
    // classInd.txt sorts the CamelCase folders case-insensitively ("Hammering" before "HammerThrow").
    expect([...UCF101_CLASS_FOLDERS].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()))).toEqual(UCF101_CLASS_FOLDERS)
    expect(UCF101_CLASS_FOLDERS.map(ucfDisplayName).filter((n) => / Yo|Yoyo|Pushups/.test(n))).toEqual(['Handstand Pushups', 'Wall Pushups', 'Yoyo'])
  })

  it('refuses a folder that is not a UCF101 class, and a root with neither list', () => {
    const file = put(dir.path, 'ucf101_split1/testlist01.txt', 'RedSquareSliding/v_RedSquareSliding_g01_c01.avi\n')
    expect(() => loadUcf101(dir.path, { split: 1 })).toThrow(`${file}:1: unknown class "RedSquareSliding" (not in UCF101's official classInd order)`)
    expect(() => loadUcf101(dir.path, { split: 3 })).toThrow(/no classInd\.txt or testlist03\.txt in ucfTrainTestlist, annotations, \., zs_label_db\/ucf101_split3, ucf101_split3/)
  })
})

describe("the authors' HMDB51 raw_txt/ folders", () => {
  it('reads zs_label_db/hmdb_split1/raw_txt, classes in the official alphabetical order', () => {
    for (const f of ['sword_exercise', 'brush_hair', 'climb', 'sword', 'climb_stairs']) {
      put(dir.path, `zs_label_db/hmdb_split1/raw_txt/${f}_test_split1.txt`, `${f}_a.avi 1 \n${f}_b.avi 2 \n${f}_c.avi 0 \n`)
      put(dir.path, `hmdb51_org/${f}/${f}_b.avi`)
    }
    const list = loadHmdb51(dir.path, { split: 1, tags: [2] })
    expect(list.classes).toEqual(['brush hair', 'climb', 'climb stairs', 'sword', 'sword exercise'])
    expect(list.items.map((i) => [i.label, i.path])).toEqual(list.classes.map((c, k) => [k, join(dir.path, 'hmdb51_org', folderOf(c), `${folderOf(c)}_b.avi`)]))
    expect(list.notes![0]).toMatch(/has split files for 5 of the 51 official classes \(none for cartwheel, catch, chew, clap, dive, …\); labels follow the 5 present/)
    expect(() => loadHmdb51(dir.path, { split: 2 })).toThrow(/no <class>_test_split2\.txt files in testTrainMulti_7030_splits, splits, annotations, \., raw_txt, zs_label_db\/hmdb_split2\/raw_txt, hmdb_split2\/raw_txt/)
  })
})
