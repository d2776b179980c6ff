import { ContractError, type GraphJob } from '../../../../contract'
import type { Db } from '../../store/db'
import { getGraphSummary, type GraphVersionSummary } from '../../store/knowledge-graphs'
import type { GenerationProgress } from '../generation/pipeline'
import { resolveApiKey } from '../llm/api-key'
import { normalizeBaseUrl } from '../llm/endpoint'
import type { LlmEvent } from '../llm/types'
import { generateIntoStore, type GenerationTarget, type LlmSettings } from './generate'

/**
 * LLM generation as engine jobs: started from the GUI, reported by events (progress per class,
 * retries, failures), cancelled on request. A job that ends with some classes done stores them as a
 * new version and names the failed ones; the API key is read here, per job, and goes nowhere else.
 */

/** A job as the contract reports it (`graphs.job` events, `graphs.jobs`). */
export type GraphJobInfo = GraphJob

export interface GraphJobsDeps {
  db: Db
  dataDir: string
  onJob(job: GraphJobInfo): void
  onGraphChanged(graph: GraphVersionSummary): void
  log(level: 'info' | 'warn' | 'error', message: string): void
}

function describeTarget(db: Db, graphId: number): string {
  const g = getGraphSummary(db, graphId)
  return `${g.name}@${g.version}`
}

function progressMessage(e: GenerationProgress): string {
  switch (e.type) {
    case 'resumed':
      return `resumed: ${e.done} of ${e.total} classes were already done`
    case 'stage-done':
      return `${e.name}: ${e.stage === 'graph' ? 'graph' : 'clauses'} done${e.cached ? ' (cache)' : ''}`
    case 'class-done':
      return `${e.name} done`
    case 'class-failed':
      return `${e.failure.name} failed (${e.failure.stage}): ${e.failure.reason}`
  }
}

export class GraphJobs {
  private readonly jobs = new Map<number, { info: GraphJobInfo; stop: AbortController }>()
  private nextId = 1

  constructor(private readonly deps: GraphJobsDeps) {}

  list(): GraphJobInfo[] {
    return [...this.jobs.values()].map((j) => ({ ...j.info })).reverse()
  }

  get(jobId: number): GraphJobInfo {
    const j = this.jobs.get(jobId)
    if (!j) throw new ContractError('not_found', `generation job ${jobId} does not exist (this engine's jobs: ${[...this.jobs.keys()].join(', ') || 'none'})`)
    return { ...j.info }
  }

  start(target: GenerationTarget, llm: LlmSettings): GraphJobInfo {
    try {
      normalizeBaseUrl(llm.endpoint)
    } catch (err) {
      throw new ContractError('invalid_input', `endpoint: ${(err as Error).message}`)
    }
    const label = target.kind === 'new' ? `new graph ${target.name}` : `${describeTarget(this.deps.db, target.graphId)}: ${target.classIndices.length} class(es)`
    const total = target.kind === 'new' ? target.classNames.length : target.classIndices.length
    const info: GraphJobInfo = { jobId: this.nextId++, state: 'running', target: label, endpoint: llm.endpoint, model: llm.model, total, done: 0, failed: 0, message: 'starting', graphId: null, startedAt: new Date().toISOString(), finishedAt: null }
    const stop = new AbortController()
    this.jobs.set(info.jobId, { info, stop })
    this.emit(info)
    void this.run(info, target, llm, stop.signal) // never rejects: a failure ends the job as failed
    return { ...info }
  }

  cancel(jobId: number): GraphJobInfo {
    const j = this.jobs.get(jobId)
    if (!j) return this.get(jobId)
    if (j.info.state === 'running') {
      j.info.message = 'cancelling…'
      j.stop.abort()
      this.emit(j.info)
    }
    return { ...j.info }
  }

  private emit(info: GraphJobInfo): void {
    this.deps.onJob({ ...info })
  }

  private async run(info: GraphJobInfo, target: GenerationTarget, llm: LlmSettings, signal: AbortSignal): Promise<void> {
    const update = (patch: Partial<GraphJobInfo>): void => {
      Object.assign(info, patch)
      this.emit(info)
    }
    try {
      const key = await resolveApiKey()
      this.deps.log('info', `generation job ${info.jobId} (${info.target}) with ${llm.model} at ${llm.endpoint}; API key: ${key.source}`)
      const outcome = await generateIntoStore(this.deps.db, {
        dataDir: this.deps.dataDir,
        target,
        llm,
        apiKey: key.key,
        allowPartial: true,
        restart: true,
        signal,
        onProgress: (e) => {
          if (e.type === 'class-done') info.done++
          if (e.type === 'class-failed') info.failed++
          update({ message: progressMessage(e) })
        },
        onLlmEvent: (e: LlmEvent) => {
          if (e.type === 'retry') update({ message: `retry in ${(e.delayMs / 1000).toFixed(1)} s: ${e.reason}` })
        },
      })
      const r = outcome.result
      if (outcome.graph) this.deps.onGraphChanged(outcome.graph)
      const failedNames = r.failures.map((f) => f.name).join(', ')
      if (r.stopped) update({ state: 'cancelled', message: `cancelled with ${r.classes.length} of ${info.total} classes done; nothing stored`, finishedAt: new Date().toISOString() })
      else if (outcome.graph) {
        const g = outcome.graph
        update({ state: 'done', graphId: g.id, message: `stored ${g.name}@${g.version}${r.failures.length ? `; failed: ${failedNames}` : ''}`, finishedAt: new Date().toISOString() })
      } else update({ state: 'failed', message: `every class failed: ${r.failures.map((f) => `${f.name} (${f.reason})`).join('; ')}`, finishedAt: new Date().toISOString() })
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      this.deps.log('error', `generation job ${info.jobId}: ${message}`)
      update({ state: 'failed', message, finishedAt: new Date().toISOString() })
    }
  }
}
