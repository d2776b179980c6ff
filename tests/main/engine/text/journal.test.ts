import { appendFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FileJournal, type JournalEntry, type JournalSettings } from '../../../../main/engine/text/generation/journal'
import { tempDir } from '../../../helpers/temp-dir'

const SETTINGS: JournalSettings = { endpoint: 'http://127.0.0.1:1/v1', model: 'm', graphTemperature: 0, clauseTemperature: 0.7, maxTokens: 1024, classes: [{ index: 0, name: 'A' }] }
const ENTRY: JournalEntry = {
  stage: 'graph',
  index: 0,
  name: 'A',
  graph: { label: 'a', objects: [], subActions: [], objectRelations: [], actionObjectRelations: [], actionRelations: [], clauses: { oo: [], ao: [], aa: [] } },
  record: { messages: [], temperature: 0, maxTokens: 1024, rawResponses: ['x'], cached: false },
  warnings: [],
  at: 'T',
}

describe('the generation journal', () => {
  it('keeps finished stages across opens, ignores a line cut short by a crash, and starts over on restart', () => {
    const dir = tempDir()
    try {
      const path = join(dir.path, 'sub', 'g.jsonl')
      const j = new FileJournal(path)
      expect(j.open(SETTINGS)).toEqual([])
      j.append(ENTRY)
      appendFileSync(path, '{"stage":"clauses","ind') // crash mid-write
      const resumed = new FileJournal(path)
      expect(resumed.open(SETTINGS)).toEqual([ENTRY])
      resumed.append({ ...ENTRY, name: 'A2' })
      expect(new FileJournal(path).open(SETTINGS)).toEqual([ENTRY, { ...ENTRY, name: 'A2' }])
      expect(() => new FileJournal(path).open({ ...SETTINGS, maxTokens: 512 })).toThrow(/other settings \(maxTokens\)/)
      expect(new FileJournal(path).open({ ...SETTINGS, maxTokens: 512 }, true)).toEqual([])
      expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(1)
      j.remove()
      expect(new FileJournal(path).open(SETTINGS)).toEqual([])
    } finally {
      dir.remove()
    }
  })
})
