import { hostname } from 'node:os'
import { ContractError, type ClassVideo, type MapVideo, type VideoMaps } from '../../../contract'
import type { EngineContext } from '../engine'
import { confusionMatrix, perClassTable } from '../eval/per-class'
import { planEvaluation, queueEvaluation, weightsToEvaluate } from '../runs/evaluate-again'
import { checkpointFolder } from '../runs/run-spec-builder'
import { classResultKeys, classResults } from '../store/class-queries'
import type { Db } from '../store/db'
import { artifactBytes, listMapArtifacts, type MapArtifact } from '../store/map-artifacts'
import { listPredictions } from '../store/predictions'
import { getPromptSet, getPromptSetByHash } from '../store/prompt-sets'
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

function videoMaps(db: Db, runId: number, evalKey: string, video: string): VideoMaps {
  const found = listMapArtifacts(db, [runId]).filter((a) => a.name === `${evalKey}:${video}`)
  if (found.length === 0) throw new ContractError('not_found', `run ${runId} kept no maps of "${video}" in "${evalKey}"; "maps.videos" lists the videos it kept`)
  const byKind = Object.fromEntries(found.map((a) => [a.kind, a])) as Partial<Record<MapArtifact['kind'], MapArtifact>>
  const meta = found[0]!.meta
  const classes = (byKind.score_map?.meta.classes as string[] | undefined) ?? []
  const names = classes.length ? classes : classNames(db, runId, evalKey)
  const label = Number(meta.label)
  const predicted = Number(meta.predicted)
  const shape = (a: MapArtifact | undefined): number[] => (a?.meta.shape as number[] | undefined) ?? []
  let scores: VideoMaps['scores'] = null
  if (byKind.score_map) {
    const [frames = 0, k = 0, m = 0] = shape(byKind.score_map)
    // Maps written by a run worker name their prompt set by hash; older ones by its row id.
    const { promptSetHash, promptSetId } = byKind.score_map.meta
    const set = typeof promptSetHash === 'string' ? getPromptSetByHash(db, promptSetHash).set : typeof promptSetId === 'number' ? getPromptSet(db, promptSetId).set : null
    const prompts = Array.from({ length: k }, (_, c) => Array.from({ length: m }, (_, j) => set?.classes[c]?.prompts[j] ?? `${names[c] ?? `class ${c}`} · prompt ${j + 1}`))
    scores = { artifactId: byKind.score_map.id, frames, classes: names.slice(0, k), prompts }
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
    attention: byKind.attention_map ? { artifactId: byKind.attention_map.id, frames: attFrames, grid } : null,
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
      const withMaps = new Set(listMapArtifacts(db, [runId]).map((a) => a.name))
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
