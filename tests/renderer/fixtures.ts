import type { AppInfo, Experiment, RunSummary } from '../../contract/api-runtime'

/** Contract-typed records for the renderer's component tests. */
export const appInfo: AppInfo = {
  appVersion: '0.1.0',
  backend: { name: 'wasm', forced: false, skipped: [], detail: 'tfjs-backend-wasm' },
  versions: { node: '20' },
  dataDir: '/home/u/.stdd',
  databasePath: '/home/u/.stdd/stdd.sqlite',
  schemaVersion: 3,
  ffmpeg: { found: true, ffmpegPath: '/usr/bin/ffmpeg', ffprobePath: '/usr/bin/ffprobe', version: '6', hint: null },
  host: 'h',
  platform: 'linux-x64',
  missing: [],
}

export function experiment(id: number, name: string, runCount: number): Experiment {
  return { id, name, description: '', filePath: null, createdAt: '2026-11-27T00:00:00Z', runCount }
}

export function summary(id: number, experimentName: string, name: string, lastMetrics: Record<string, number> = {}): RunSummary {
  return {
    id, experimentId: experimentName === 'table5' ? 2 : 1, experimentName, name, status: 'done', seed: Number(/seed=(\d+)/.exec(name)?.[1] ?? 0), backend: 'wasm',
    createdAt: '2026-11-27T00:00:00Z', startedAt: '2026-11-27T00:00:00Z', finishedAt: '2026-11-27T00:10:00Z', error: null, errorKind: null, runSeconds: 600, runningSince: null, tags: [], note: '', archived: false, lastMetrics,
  }
}
