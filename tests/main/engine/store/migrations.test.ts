import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { LATEST_SCHEMA_VERSION, migrate, migrations, schemaVersion } from '../../../../main/engine/store/migrations'
import { openDatabase } from '../../../../main/engine/store/db'
import { tempDir } from '../../../helpers/temp-dir'

const TABLES = ['experiments', 'runs', 'metrics', 'class_results', 'artifacts', 'knowledge_graphs', 'kg_classes', 'prompt_sets', 'run_queue', 'settings']

function tables(db: Database.Database): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name)
}

describe('schema migrations', () => {
  it('bring an empty database to the latest version with every table', () => {
    const db = new Database(':memory:')
    expect(schemaVersion(db)).toBe(0)
    expect(migrate(db)).toBe(LATEST_SCHEMA_VERSION)
    expect(tables(db)).toEqual(expect.arrayContaining(TABLES))
    expect(db.pragma('foreign_key_check')).toEqual([])
    db.close()
  })

  it('apply each migration on top of the previous one, and re-running is a no-op', () => {
    const db = new Database(':memory:')
    for (let v = 1; v <= migrations.length; v++) {
      expect(migrate(db, v)).toBe(v)
    }
    const before = tables(db)
    expect(migrate(db)).toBe(LATEST_SCHEMA_VERSION)
    expect(tables(db)).toEqual(before)
    db.close()
  })

  it('fill run_config (migration 3) from the runs a database already has, leaf by leaf', () => {
    const db = new Database(':memory:')
    const runConfigAt = migrations.findIndex((m) => m.description.startsWith('run_config'))
    migrate(db, runConfigAt)
    db.prepare("INSERT INTO experiments (id, name, created_at) VALUES (1, 'e', '2026-01-01')").run()
    const insert = db.prepare("INSERT INTO runs (experiment_id, name, status, config_json, config_diff_json, seed, created_at) VALUES (1, ?, 'done', ?, '{}', 0, '2026-01-01')")
    insert.run('a', JSON.stringify({ seed: 3, model: { stca: { enabled: true } }, eval: [{ dataset: 'ucf101' }, { dataset: 'hmdb51', views: 1 }] }))
    insert.run('b', JSON.stringify({ text: { promptSet: 'c' }, note: null }))
    migrate(db, runConfigAt + 1)
    const rows = db.prepare('SELECT r.name AS run, c.key, c.value, c.json_type AS type FROM run_config c JOIN runs r ON r.id = c.run_id ORDER BY r.name, c.key').all()
    expect(rows).toEqual([
      { run: 'a', key: 'eval.0.dataset', value: 'ucf101', type: 'text' },
      { run: 'a', key: 'eval.1.dataset', value: 'hmdb51', type: 'text' },
      { run: 'a', key: 'eval.1.views', value: 1, type: 'integer' },
      { run: 'a', key: 'model.stca.enabled', value: 1, type: 'true' },
      { run: 'a', key: 'seed', value: 3, type: 'integer' },
      { run: 'b', key: 'note', value: null, type: 'null' },
      { run: 'b', key: 'text.promptSet', value: 'c', type: 'text' },
    ])
    db.close()
  })

  it('roll back a failing migration whole: version and tables unchanged', () => {
    const db = new Database(':memory:')
    migrate(db)
    const broken = { description: 'broken', up: (d: Database.Database) => d.exec('CREATE TABLE half_done (x); SELECT * FROM no_such_table;') }
    ;(migrations as unknown as unknown[]).push(broken)
    try {
      expect(() => migrate(db, LATEST_SCHEMA_VERSION + 1)).toThrow(/no_such_table/)
    } finally {
      ;(migrations as unknown as unknown[]).pop()
    }
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION)
    expect(tables(db)).not.toContain('half_done')
    db.close()
  })

  it('refuse a database written by a newer version, saying what to do', () => {
    const db = new Database(':memory:')
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`)
    expect(() => migrate(db)).toThrow(/newer than this application understands.*update STDD Explorer/)
    db.close()
  })

  it('open files in WAL mode with foreign keys enforced', () => {
    const dir = tempDir()
    try {
      const db = openDatabase({ path: `${dir.path}/sub/stdd.sqlite` })
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
      expect(() => db.prepare("INSERT INTO runs (experiment_id, name, status, config_json, config_diff_json, seed, created_at) VALUES (999, 'x', 'queued', '{}', '{}', 1, 'now')").run()).toThrow(/FOREIGN KEY/)
      db.close()
    } finally {
      dir.remove()
    }
  })
})
