import { hostname } from 'node:os'
import { ContractError, type ClassVideo, type MapEncoding, type MapVideo, type PromptKind, type VideoMaps } from '../../../contract'
import type { EngineContext } from '../engine'
import { confusionMatrix, perClassTable } from '../eval/per-class'
import { planEvaluation, queueEvaluation, weightsToEvaluate } from '../runs/evaluate-again'
import { checkpointFolder } from '../runs/run-spec-builder'
import { classResultKeys, classResults } from '../store/class-queries'
import type { Db } from '../store/db'
import { artifactBytes, listMapArtifacts, type MapArtifact } from '../store/map-artifacts'
import { listPredictions } from '../store/predictions'
import { getPromptSet, getPromptSetByHash } from '../store/prompt-sets'
import { getGraph, type GraphVersion } from '../store/knowledge-graphs'
import { promptKinds } from '../eval/prompt-kinds'
import { getRunSummary } from '../store/runs'
import { gitCommit } from '../system/provenance'
import { activeBackend } from '../tf/backend'
import type { Handlers } from './index'

type AnalysisCommand = 'analysis.evalKeys' | 'analysis.perClass' | 'analysis.confusion' | 'analysis.videos' | 'maps.videos' | 'maps.get' | 'artifacts.read' | 'runs.evaluate'

/** The class names of one run's results for an evaluation key (not_found when it has none). */
function classNames(db: Db, runId: number, evalKey: string): string[] {
  const rows = classResults(db, [runId], evalKey)
  if (rows.length === 0) throw new ContractError('not_found', `run ${runId} has no per-class results for "${evalKey}"; "analysis.evalKeys" lists the keys it has`)
  return confusionMatrix(runId, evalKey, rows).classes
}

/** `<eval key>:<video>` → the two halves (the video is in the artifact's meta). */
function splitMapName(a: MapArtifact): { evalKey: string; video: string } {
  const video = String(a.meta.video ?? '')
  return { evalKey: a.name.slice(0, Math.max(0, a.name.length - video.length - 1)), video }
}

/** The prompts (and what each adds) of the kept classes of a score map; placeholders where the prompt set is gone. */
function keptPrompts(db: Db, meta: Record<string, unknown>, classIndices: readonly number[], names: readonly string[], m: number): { prompts: string[][]; kinds: PromptKind[][] } {
  // Maps written by a run worker name their prompt set by hash; older ones by its row id.
  const { promptSetHash, promptSetId } = meta
  const stored = typeof promptSetHash === 'string' ? getPromptSetByHash(db, promptSetHash) : typeof promptSetId === 'number' ? getPromptSet(db, promptSetId) : null
  const graph = stored?.graphId ? graphOrNull(db, stored.graphId) : null
  const prompts = classIndices.map((c) => Array.from({ length: m }, (_, j) => stored?.set.classes[c]?.prompts[j] ?? `${names[c] ?? `class ${c}`} · prompt ${j + 1}`))
  const kinds = classIndices.map((c, i) => {
    const name = stored?.set.classes[c]?.name ?? names[c] ?? ''
    const clauses = graph?.classes.find((g) => g.name.toLowerCase() === name.toLowerCase())?.graph.clauses ?? null
    return promptKinds(prompts[i]!, name, clauses)
  })
  return { prompts, kinds }
}

function graphOrNull(db: Db, id: number): GraphVersion | null {
  try {
    return getGraph(db, id)
  } catch {
    return null
  }
}

const mapEncoding = (a: MapArtifact): MapEncoding => (a.meta.encoding as MapEncoding | undefined) ?? { dtype: 'float32' }

function videoMaps(db: Db, runId: number, evalKey: string, video: string): VideoMaps {
  const found = listMapArtifacts(db, [runId], `${evalKey}:${video}`).filter((a) => a.name === `${evalKey}:${video}`)
  if (found.length === 0) throw new ContractError('not_found', `run ${runId} kept no maps of "${video}" in "${evalKey}"; "maps.videos" lists the videos it kept`)
  const byKind = Object.fromEntries(found.map((a) => [a.kind, a])) as Partial<Record<MapArtifact['kind'], MapArtifact>>
  const meta = found[0]!.meta
  const names = (byKind.score_map?.meta.classes as string[] | undefined) ?? classNames(db, runId, evalKey)
  const label = Number(meta.label)
  const predicted = Number(meta.predicted)
  const shape = (a: MapArtifact | undefined): number[] => (a?.meta.shape as number[] | undefined) ?? []
  let scores: VideoMaps['scores'] = null
  if (byKind.score_map) {
    const [frames = 0, k = 0, m = 0] = shape(byKind.score_map)
    // Maps stored before they were compacted kept every class.
    const classIndices = (byKind.score_map.meta.classIndices as number[] | undefined) ?? Array.from({ length: k }, (_, c) => c)
    const { prompts, kinds } = keptPrompts(db, byKind.score_map.meta, classIndices, names, m)
    scores = { artifactId: byKind.score_map.id, frames, encoding: mapEncoding(byKind.score_map), classIndices, classes: classIndices.map((c) => names[c] ?? `class ${c}`), prompts, kinds }
  }
  const frames = byKind.frames
  const [attFrames = 0, grid = 0] = shape(byKind.attention_map)
  return {
    runId,
    evalKey,
    video,
    label,
    className: names[label] ?? String(meta.className ?? label),
    predicted,
    predictedName: names[predicted] ?? `class ${predicted}`,
    frames: frames ? { artifactId: frames.id, count: Number(frames.meta.frames), width: Number(frames.meta.width), height: Number(frames.meta.height) } : null,
    attention: byKind.attention_map ? { artifactId: byKind.attention_map.id, frames: attFrames, grid, encoding: mapEncoding(byKind.attention_map) } : null,
    scores,
  }
}

/** Handlers of the per-class and maps views, artifact bytes, and "evaluate again". */
export function analysisHandlers(ctx: EngineContext): Pick<Handlers, AnalysisCommand> {
  const { db } = ctx
  const runColumns = (ids: readonly number[]) => ids.map((id) => getRunSummary(db, id))
  return {
    'analysis.evalKeys': ({ runIds }) => {
      runColumns(runIds)
      return classResultKeys(db, runIds)
    },
    'analysis.perClass': ({ runIds, evalKey, baselineRunId }) => {
      const runs = runColumns(runIds).map((r) => ({ id: r.id, name: r.name, experimentName: r.experimentName }))
      if (baselineRunId !== undefined && !runIds.includes(baselineRunId)) throw new ContractError('invalid_input', `the baseline run ${baselineRunId} is not among the selected runs (${runIds.join(', ')})`)
      return perClassTable(evalKey, runs, classResults(db, runIds, evalKey), baselineRunId ?? null)
    },
    'analysis.confusion': ({ runId, evalKey }) => {
      getRunSummary(db, runId)
      classNames(db, runId, evalKey)
      return confusionMatrix(runId, evalKey, classResults(db, [runId], evalKey))
    },
    'analysis.videos': ({ runId, evalKey, trueClass, predicted, limit }) => {
      getRunSummary(db, runId)
      const names = classNames(db, runId, evalKey)
      const name = (k: number) => names[k] ?? `class ${k}`
      const kept = listMapArtifacts(db, [runId], `${evalKey}:`)
      const withMaps = new Set(kept.map((a) => a.name))
      const strips = new Map(kept.filter((a) => a.kind === 'frames').map((a) => [a.name, { artifactId: a.id, frames: Number(a.meta.frames) }]))
      return listPredictions(db, runId, evalKey, { trueClass, predicted, limit }).map(
        (p): ClassVideo => ({
          videoIndex: p.videoIndex,
          video: p.video,
          trueClass: p.trueClass,
          trueClassName: name(p.trueClass),
          predicted: p.predicted,
          predictedName: name(p.predicted),
          top5: p.top5.map((t) => ({ ...t, className: name(t.classIndex) })),
          orderPair:
            p.partnerClass === null || p.partnerScore === null
              ? null
              : { partner: p.partnerClass, partnerName: name(p.partnerClass), partnerScore: p.partnerScore, trueScore: p.trueScore, toldApart: p.trueScore > p.partnerScore },
          hasMaps: withMaps.has(`${evalKey}:${p.video}`),
          thumbnail: strips.get(`${evalKey}:${p.video}`) ?? null,
        }),
      )
    },
    'maps.videos': ({ runIds }) => {
      runColumns(runIds)
      const videos = new Map<string, MapVideo>()
      for (const a of listMapArtifacts(db, runIds)) {
        const { evalKey, video } = splitMapName(a)
        const entry = videos.get(a.name) ?? { evalKey, video, label: Number(a.meta.label), className: String(a.meta.className ?? a.meta.label), runIds: [] }
        if (!entry.runIds.includes(a.runId)) entry.runIds.push(a.runId)
        videos.set(a.name, entry)
      }
      return [...videos.values()].sort((a, b) => b.runIds.length - a.runIds.length || a.evalKey.localeCompare(b.evalKey) || a.label - b.label)
    },
    'maps.get': ({ runId, evalKey, video }) => {
      getRunSummary(db, runId)
      return videoMaps(db, runId, evalKey, video)
    },
    'artifacts.read': ({ id }) => {
      const { mime, bytes } = artifactBytes(db, id)
      return { mime, base64: bytes.toString('base64') }
    },
    'runs.evaluate': async (input) => {
      const weights = weightsToEvaluate(db, input)
      await ctx.slurm.fetchCheckpoints(weights.runId, String(weights.checkpoint))
      const plan = planEvaluation(db, input, (id) => checkpointFolder(db, ctx.dataDir, id))
      const runId = queueEvaluation(db, plan, { gitCommit: gitCommit(), backend: activeBackend()?.name ?? null, host: hostname() })
      const run = getRunSummary(db, runId)
      ctx.bus.emit('runs.changed', run)
      ctx.bus.emit('run.state', { runId, status: run.status, error: run.error })
      ctx.log.info('runs', `queued run ${runId} "${run.name}": evaluates run ${input.runId}'s ${input.checkpoint} weights without training`)
      ctx.kickQueue()
      return run
    },
  }
}
