import { defineStore } from 'pinia'
import type { ClassVideo, CommandInput, ConfusionMatrix, EvalKeyEntry, PerClassTable } from '../../contract/api-runtime'
import { invoke } from '../api/bridge'
import { useAction } from '../composables/useCommand'
import type { ConfusionCell } from '../charts/confusion-options'
import { useArtifactCache } from './artifact-cache'

/**
 * The per-class view's data: which evaluations the selected runs have per-class results for, the
 * class × run accuracy table (deltas against a baseline), one run's confusion matrix, the videos of a
 * confusion cell with their thumbnails, and "evaluate again" from a run (with the graph versions it can use).
 */
export const usePerClassStore = defineStore('per-class', () => {
  const keys = useAction((runIds: number[]): Promise<EvalKeyEntry[]> => (runIds.length ? invoke('analysis.evalKeys', { runIds }) : Promise.resolve([])))
  const table = useAction((runIds: number[], evalKey: string, baselineRunId: number | null): Promise<PerClassTable> =>
    invoke('analysis.perClass', { runIds, evalKey, ...(baselineRunId === null ? {} : { baselineRunId }) }),
  )
  const confusion = useAction((runId: number, evalKey: string): Promise<ConfusionMatrix> => invoke('analysis.confusion', { runId, evalKey }))
  const videos = useAction((runId: number, evalKey: string, cell: ConfusionCell): Promise<ClassVideo[]> => invoke('analysis.videos', { runId, evalKey, trueClass: cell.trueClass, predicted: cell.predicted }))
  const evaluate = useAction((input: CommandInput<'runs.evaluate'>) => invoke('runs.evaluate', input))
  /** The knowledge-graph versions "evaluate again" can use. */
  const graphVersions = useAction(() => invoke('graphs.list', {}))
  /** The videos' frame strips (thumbnails), read once each. */
  const thumbnails = useArtifactCache()
  const loadThumbnails = (list: readonly ClassVideo[]) => Promise.all(list.map((v) => v.thumbnail && thumbnails.loadImage(v.thumbnail.artifactId)))
  return { keys, table, confusion, videos, evaluate, graphVersions, thumbnails: thumbnails.images, loadThumbnails }
})
