import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { addArtifact, ArtifactIntegrityError } from '../../../../main/engine/store/artifacts'
import { openDatabase, type Db } from '../../../../main/engine/store/db'
import { createExperiment } from '../../../../main/engine/store/experiments'
import { readJsonArtifact } from '../../../../main/engine/store/json-artifacts'
import { artifactBytes } from '../../../../main/engine/store/map-artifacts'
import { createRun } from '../../../../main/engine/store/runs'

/** Issue 19, F6: artifacts are stored with a checksum and verified when read. */

let db: Db
let runId: number
beforeEach(() => {
  db = openDatabase({ path: ':memory:' })
  const e = createExperiment(db, { name: 'e', description: '' })
  runId = createRun(db, { experimentId: e.id, name: 'r', config: {}, configDiff: {}, seed: 0 }).id
})
afterEach(() => db.close())

const damage = (id: number): void => {
  db.prepare('UPDATE artifacts SET blob = ? WHERE id = ?').run(Buffer.from('{"videos":666}'), id)
}

describe('artifact checksums', () => {
  it('a map whose stored bytes changed is refused, naming the artifact', () => {
    const id = addArtifact(db, { runId, kind: 'score_map', name: 'k:v0', blob: new Uint8Array([1, 2, 3, 4]), mime: 'application/octet-stream', meta: { shape: [2, 2] } })
    expect([...artifactBytes(db, id).bytes]).toEqual([1, 2, 3, 4])
    damage(id)
    expect(() => artifactBytes(db, id)).toThrow(ArtifactIntegrityError)
    expect(() => artifactBytes(db, id)).toThrow(`artifact ${id} ("k:v0") is damaged`)
  })

  it('a JSON artifact whose bytes changed is refused; one written before checksums is read as it is', () => {
    const id = addArtifact(db, { runId, kind: 'other', name: 'set#coverage', blob: Buffer.from('{"videos":8}'), mime: 'application/json' })
    expect(readJsonArtifact(db, runId, 'set#coverage')).toEqual({ videos: 8 })
    damage(id)
    expect(() => readJsonArtifact(db, runId, 'set#coverage')).toThrow(/"set#coverage"\) is damaged/)
    db.prepare("UPDATE artifacts SET meta_json = '{}' WHERE id = ?").run(id)
    expect(readJsonArtifact(db, runId, 'set#coverage')).toEqual({ videos: 666 })
  })
})
