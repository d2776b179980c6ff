import type { Database } from 'better-sqlite3'

/**
 * Schema migrations, applied in order. The schema version is `PRAGMA user_version`: migration `i`
 * (0-based) takes the database from version `i` to `i + 1`. Each migration runs in its own
 * transaction together with the version bump, so a crash never leaves a half-migrated file.
 * Never edit a released migration: append a new one.
 */
export interface Migration {
  description: string
  up(db: Database): void
}

export const migrations: readonly Migration[] = [
  {
    description: 'experiments, runs, metrics, per-class results, artifacts, knowledge graphs, prompt sets, run queue, settings',
    up(db) {
      db.exec(`
        CREATE TABLE experiments (
          id          INTEGER PRIMARY KEY,
          name        TEXT NOT NULL UNIQUE,
          description TEXT NOT NULL DEFAULT '',
          file_path   TEXT,
          config_json TEXT,
          created_at  TEXT NOT NULL
        );
        CREATE TABLE knowledge_graphs (
          id         INTEGER PRIMARY KEY,
          name       TEXT NOT NULL,
          dataset    TEXT NOT NULL,
          version    INTEGER NOT NULL CHECK (version >= 1),
          parent_id  INTEGER REFERENCES knowledge_graphs(id),
          note       TEXT NOT NULL DEFAULT '',
          created_at TEXT NOT NULL,
          UNIQUE (name, version)
        );
        CREATE TABLE kg_classes (
          graph_id        INTEGER NOT NULL REFERENCES knowledge_graphs(id) ON DELETE CASCADE,
          class_index     INTEGER NOT NULL,
          class_name      TEXT NOT NULL,
          graph_json      TEXT NOT NULL,
          provenance_json TEXT NOT NULL,
          PRIMARY KEY (graph_id, class_index)
        );
        CREATE TABLE prompt_sets (
          id             INTEGER PRIMARY KEY,
          hash           TEXT NOT NULL UNIQUE,
          graph_id       INTEGER REFERENCES knowledge_graphs(id),
          kind           TEXT NOT NULL,
          template_style TEXT NOT NULL,
          prompts_json   TEXT NOT NULL,
          created_at     TEXT NOT NULL
        );
        CREATE TABLE runs (
          id               INTEGER PRIMARY KEY,
          experiment_id    INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
          name             TEXT NOT NULL,
          status           TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
          config_json      TEXT NOT NULL,
          config_diff_json TEXT NOT NULL,
          seed             INTEGER NOT NULL,
          git_commit       TEXT,
          backend          TEXT,
          host             TEXT,
          prompt_set_id    INTEGER REFERENCES prompt_sets(id),
          created_at       TEXT NOT NULL,
          started_at       TEXT,
          finished_at      TEXT,
          error            TEXT,
          UNIQUE (experiment_id, name)
        );
        CREATE INDEX runs_by_status ON runs(status);
        CREATE TABLE metrics (
          run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          name   TEXT NOT NULL,
          step   INTEGER NOT NULL,
          epoch  REAL,
          value  REAL NOT NULL,
          PRIMARY KEY (run_id, name, step)
        ) WITHOUT ROWID;
        CREATE TABLE class_results (
          run_id       INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          eval_key     TEXT NOT NULL,
          class_index  INTEGER NOT NULL,
          class_name   TEXT NOT NULL,
          correct      INTEGER NOT NULL,
          top5_correct INTEGER NOT NULL,
          total        INTEGER NOT NULL,
          confusion_json TEXT NOT NULL DEFAULT '{}',
          PRIMARY KEY (run_id, eval_key, class_index)
        ) WITHOUT ROWID;
        CREATE TABLE artifacts (
          id         INTEGER PRIMARY KEY,
          run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          kind       TEXT NOT NULL CHECK (kind IN ('checkpoint', 'attention_map', 'score_map', 'table', 'other')),
          name       TEXT NOT NULL,
          step       INTEGER,
          epoch      REAL,
          path       TEXT,
          blob       BLOB,
          mime       TEXT,
          meta_json  TEXT NOT NULL DEFAULT '{}',
          created_at TEXT NOT NULL,
          CHECK (path IS NOT NULL OR blob IS NOT NULL)
        );
        CREATE INDEX artifacts_by_run ON artifacts(run_id, kind);
        CREATE TABLE run_queue (
          run_id      INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
          position    INTEGER NOT NULL UNIQUE,
          enqueued_at TEXT NOT NULL
        );
        CREATE TABLE settings (
          key        TEXT PRIMARY KEY,
          value_json TEXT NOT NULL
        );
      `)
    },
  },
  {
    description: 'runs: the process that runs them (pid), its heartbeat, and a cancel request another process can leave',
    up(db) {
      db.exec(`
        ALTER TABLE runs ADD COLUMN pid INTEGER;
        ALTER TABLE runs ADD COLUMN heartbeat_at TEXT;
        ALTER TABLE runs ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0;
      `)
    },
  },
  {
    description: 'run_config: every leaf of a run\'s frozen config as a dotted key (eval.0.dataset), kept by triggers, indexed for sort and filter',
    up(db) {
      // json_tree's fullkey is `$.model.checkpoint` or `$.eval[0].dataset`; the dotted key drops `$.` and the brackets.
      const leaves = (runId: string, from: string) =>
        `SELECT ${runId}, replace(replace(substr(t.fullkey, 3), '[', '.'), ']', ''), t.atom, t.type
         FROM ${from} WHERE t.type NOT IN ('object', 'array') AND t.fullkey <> '$'`
      db.exec(`
        CREATE TABLE run_config (
          run_id    INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          key       TEXT NOT NULL,
          value,
          json_type TEXT NOT NULL,
          PRIMARY KEY (run_id, key)
        ) WITHOUT ROWID;
        CREATE INDEX run_config_by_key ON run_config(key, value);
        CREATE TRIGGER run_config_on_insert AFTER INSERT ON runs BEGIN
          INSERT INTO run_config (run_id, key, value, json_type) ${leaves('NEW.id', 'json_tree(NEW.config_json) t')};
        END;
        CREATE TRIGGER run_config_on_update AFTER UPDATE OF config_json ON runs BEGIN
          DELETE FROM run_config WHERE run_id = NEW.id;
          INSERT INTO run_config (run_id, key, value, json_type) ${leaves('NEW.id', 'json_tree(NEW.config_json) t')};
        END;
        INSERT INTO run_config (run_id, key, value, json_type) ${leaves('r.id', 'runs r, json_tree(r.config_json) t')};
      `)
    },
  },
  {
    description: 'kg_aliases: per graph (all its versions), a data set class name → the graph key it means',
    up(db) {
      db.exec(`
        CREATE TABLE kg_aliases (
          graph_name TEXT NOT NULL,
          alias      TEXT NOT NULL,
          class_key  TEXT NOT NULL,
          source     TEXT NOT NULL,
          PRIMARY KEY (graph_name, alias)
        ) WITHOUT ROWID;
      `)
    },
  },
  {
    description: 'video_predictions: per evaluated video its true class and top-5 predictions; runs: the run (and checkpoint) an evaluation-only run evaluates',
    up(db) {
      db.exec(`
        CREATE TABLE video_predictions (
          run_id         INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          eval_key       TEXT NOT NULL,
          video_index    INTEGER NOT NULL,
          video          TEXT NOT NULL,
          true_class     INTEGER NOT NULL,
          predicted      INTEGER NOT NULL,
          top5_json      TEXT NOT NULL,
          true_score     REAL NOT NULL,
          partner_class  INTEGER,
          partner_score  REAL,
          PRIMARY KEY (run_id, eval_key, video_index)
        ) WITHOUT ROWID;
        CREATE INDEX video_predictions_by_cell ON video_predictions(run_id, eval_key, true_class, predicted);
        ALTER TABLE runs ADD COLUMN source_run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL;
        ALTER TABLE runs ADD COLUMN source_checkpoint TEXT;
      `)
    },
  },
  {
    description: 'runs: time spent running (queue waits excluded), whether a failure lies in the config, tags, a note, archived',
    up(db) {
      db.exec(`
        ALTER TABLE runs ADD COLUMN running_since TEXT;
        ALTER TABLE runs ADD COLUMN run_seconds REAL NOT NULL DEFAULT 0;
        ALTER TABLE runs ADD COLUMN error_kind TEXT CHECK (error_kind IN ('config', 'runtime'));
        ALTER TABLE runs ADD COLUMN tags_json TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE runs ADD COLUMN note TEXT NOT NULL DEFAULT '';
        ALTER TABLE runs ADD COLUMN archived_at TEXT;
        UPDATE runs SET run_seconds = MAX(0, (julianday(finished_at) - julianday(started_at)) * 86400)
          WHERE started_at IS NOT NULL AND finished_at IS NOT NULL AND status <> 'running';
        UPDATE runs SET running_since = started_at WHERE status = 'running';
        UPDATE runs SET error_kind = 'runtime' WHERE status = 'failed';
      `)
    },
  },
  {
    description: 'run_prompt_sets: the prompt set each evaluation set of a run used (runs.prompt_set_id keeps only the first)',
    up(db) {
      db.exec(`
        CREATE TABLE run_prompt_sets (
          run_id        INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          eval_key      TEXT NOT NULL,
          prompt_set_id INTEGER NOT NULL REFERENCES prompt_sets(id),
          PRIMARY KEY (run_id, eval_key)
        ) WITHOUT ROWID;
      `)
    },
  },
  {
    description: 'run keys (a run folder belongs to exactly one run) and how far each run\'s worker record is imported',
    up(db) {
      db.exec(`
        ALTER TABLE runs ADD COLUMN run_key TEXT;
        CREATE UNIQUE INDEX runs_by_key ON runs(run_key);
        CREATE TABLE run_records (
          run_id  INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
          run_key TEXT NOT NULL,
          seq     INTEGER NOT NULL,
          offset  INTEGER NOT NULL
        );
      `)
    },
  },
  {
    description: 'runs: what ran the matrix products (the GEMM provider: blas, wasm…), which changes a run\'s sums',
    up(db) {
      db.exec('ALTER TABLE runs ADD COLUMN gemm TEXT')
    },
  },
  {
    description: 'slurm_jobs: the Slurm job of a run the Slurm executor submitted (cluster + job id + submit time), its last seen state, node, pending reason, pre-emptions and requeues, its run folder and sbatch script',
    up(db) {
      db.exec(`
        CREATE TABLE slurm_jobs (
          run_id         INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
          profile        TEXT NOT NULL,
          profile_json   TEXT NOT NULL,
          cluster        TEXT,
          array_job_id   INTEGER NOT NULL,
          task_id        INTEGER NOT NULL,
          submit_time    INTEGER,
          run_dir        TEXT NOT NULL,
          script         TEXT NOT NULL,
          log_file       TEXT NOT NULL,
          state          TEXT NOT NULL DEFAULT 'PENDING',
          node           TEXT,
          pending_reason TEXT,
          preemptions    INTEGER NOT NULL DEFAULT 0,
          requeues       INTEGER NOT NULL DEFAULT 0,
          resumable      INTEGER NOT NULL DEFAULT 0,
          updated_at     TEXT NOT NULL
        );
      `)
    },
  },
  {
    description: 'metrics: when the run recorded each point (Compare\'s wall-time axis); null for points stored before',
    up(db) {
      db.exec('ALTER TABLE metrics ADD COLUMN time TEXT')
    },
  },
]

export const LATEST_SCHEMA_VERSION = migrations.length

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number
}

/** Brings `db` to the latest schema. Refuses a database written by a newer version of the app. */
export function migrate(db: Database, target = LATEST_SCHEMA_VERSION): number {
  const current = schemaVersion(db)
  if (current > LATEST_SCHEMA_VERSION) {
    throw new Error(
      `database schema version ${current} is newer than this application understands (${LATEST_SCHEMA_VERSION}); update STDD Explorer or point STDD_HOME at another data folder`,
    )
  }
  for (let v = current; v < target; v++) {
    const step = migrations[v]!
    db.transaction(() => {
      step.up(db)
      db.pragma(`user_version = ${v + 1}`)
    })()
  }
  return schemaVersion(db)
}
