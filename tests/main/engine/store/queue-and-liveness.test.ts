import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, type Db } from '../../../../main/engine/store/db'
import { createExperiment } from '../../../../main/engine/store/experiments'
import { claim, dequeue, enqueue, queuedRunIds } from '../../../../main/engine/store/queue'
import { markRunOwner, requestCancel, runningRuns, touchRun } from '../../../../main/engine/store/run-liveness'
import { createRun, getRunSummary } from '../../../../main/engine/store/runs'
import { tempDir } from '../../../helpers/temp-dir'

let dir: ReturnType<typeof tempDir>
let db: Db
let runs: number[]

beforeEach(() => {
  dir = tempDir()
  db = openDatabase({ path: `${dir.path}/stdd.sqlite` })
  const experiment = createExperiment(db, { name: 'e' })
  runs = ['a', 'b', 'c'].map((name) => createRun(db, { experimentId: experiment.id, name, config: {}, configDiff: {}, seed: 0 }).id)
})
afterEach(() => {
  db.close()
  dir.remove()
})

describe('the run queue (store/queue.ts)', () => {
  it('keeps runs in the order they were queued, once each, and lets one leave', () => {
    for (const id of [runs[2]!, runs[0]!, runs[2]!, runs[1]!]) enqueue(db, id)
    expect(queuedRunIds(db)).toEqual([runs[2], runs[0], runs[1]])
    dequeue(db, runs[0]!)
    expect(queuedRunIds(db)).toEqual([runs[2], runs[1]])
  })

  it('hands a queued run to exactly one claimant, which records where it runs', () => {
    enqueue(db, runs[0]!)
    expect(claim(db, runs[0]!, 'wasm', 'host-a')).toBe(true)
    expect(claim(db, runs[0]!, 'cpu', 'host-b')).toBe(false)
    expect(queuedRunIds(db)).toEqual([])
    expect(getRunSummary(db, runs[0]!)).toMatchObject({ status: 'running', backend: 'wasm' })
    expect(runningRuns(db)).toEqual([{ id: runs[0], pid: null, host: 'host-a', heartbeatAt: null }])
  })
})

describe('who runs a run (store/run-liveness.ts)', () => {
  beforeEach(() => {
    enqueue(db, runs[0]!)
    claim(db, runs[0]!, null, 'h')
  })

  it('records the owner and its heartbeat, and the backend once it is known', () => {
    markRunOwner(db, runs[0]!, 4242)
    const [owned] = runningRuns(db)
    expect(owned).toMatchObject({ id: runs[0], pid: 4242, host: 'h' })
    expect(Date.parse(owned!.heartbeatAt!)).not.toBeNaN()
    expect(touchRun(db, runs[0]!, null)).toEqual({ cancelRequested: false })
    expect(getRunSummary(db, runs[0]!).backend).toBeNull()
    touchRun(db, runs[0]!, 'wasm')
    touchRun(db, runs[0]!, null) // a later beat without a backend keeps the one recorded
    expect(getRunSummary(db, runs[0]!).backend).toBe('wasm')
  })

  it("passes another process's cancel request to the owner's next heartbeat; a new owner starts without one", () => {
    requestCancel(db, runs[0]!)
    expect(touchRun(db, runs[0]!, null)).toEqual({ cancelRequested: true })
    markRunOwner(db, runs[0]!, 1)
    expect(touchRun(db, runs[0]!, null)).toEqual({ cancelRequested: false })
  })
})
