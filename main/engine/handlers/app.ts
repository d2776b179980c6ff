import { createRequire } from 'node:module'
import { hostname } from 'node:os'
import type { AppInfo } from '../../../contract'
import type { EngineContext } from '../engine'
import { databasePath } from '../paths'
import { sqliteVersion } from '../store/db'
import { schemaVersion } from '../store/migrations'
import { findFfmpeg } from '../system/ffmpeg'
import { chromiumState, missingPieces } from '../system/missing'
import { activeBackend } from '../tf/backend'
import { activeGemm } from '../tf/gemm'
import { APP_VERSION } from '../version'

const requireHere = createRequire(import.meta.url)

function packageVersion(name: string): string | null {
  try {
    return (requireHere(`${name}/package.json`) as { version: string }).version
  } catch {
    return null
  }
}

/** ffmpeg is looked up (a process start) at most once per this many ms: the UI asks for app.info often. */
const FFMPEG_RECHECK_MS = 30_000
let ffmpegSeen: { at: number; info: AppInfo['ffmpeg'] } | null = null

function ffmpegInfo(now = Date.now()): AppInfo['ffmpeg'] {
  if (!ffmpegSeen || now - ffmpegSeen.at > FFMPEG_RECHECK_MS) ffmpegSeen = { at: now, info: findFfmpeg() }
  return ffmpegSeen.info
}

export function appInfo(ctx: EngineContext): AppInfo {
  const versions: Record<string, string> = { node: process.versions.node }
  if (process.versions.electron) versions.electron = process.versions.electron
  for (const pkg of ['@tensorflow/tfjs', 'better-sqlite3']) {
    const v = packageVersion(pkg)
    if (v) versions[pkg] = v
  }
  versions.sqlite = sqliteVersion(ctx.db)
  const backend = activeBackend()
  const ffmpeg = ffmpegInfo()
  return {
    appVersion: APP_VERSION,
    backend,
    versions,
    dataDir: ctx.dataDir,
    databasePath: databasePath(ctx.dataDir),
    schemaVersion: schemaVersion(ctx.db),
    ffmpeg,
    host: hostname(),
    platform: `${process.platform}-${process.arch}`,
    missing: missingPieces({ platform: process.platform, ffmpeg, backend, gemm: activeGemm(), ...chromiumState() }),
  }
}
