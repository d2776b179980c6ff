import { existsSync } from 'node:fs'
import type { BackendReport, FfmpegInfo, MissingPiece } from '../../../contract'

/**
 * What this machine lacks that the app would use, each with the command that adds it: the system
 * packages a fresh machine needs before `npm install` (README, "First: the system packages").
 */

export interface MachineState {
  platform: NodeJS.Platform
  ffmpeg: FfmpegInfo
  backend: BackendReport | null
  /** Which code runs the WASM backend's matrix products (tf/gemm.ts), once the backend is up. */
  gemm: { name: string; forced: boolean; detail: string } | null
  /** Where `npm test`'s end-to-end test looks for Chromium (`CHROMIUM_PATH`, else /usr/bin/chromium). */
  chromiumPath: string
  chromiumFound: boolean
}

export type Installer = 'apt' | 'brew' | 'winget'

export const installerOf = (platform: string): Installer => (platform === 'darwin' ? 'brew' : platform === 'win32' ? 'winget' : 'apt')

const INSTALL: Record<Installer, { ffmpeg: string; chromium: string }> = {
  apt: { ffmpeg: 'sudo apt-get install ffmpeg', chromium: 'sudo apt-get install chromium fonts-liberation' },
  brew: { ffmpeg: 'brew install ffmpeg', chromium: 'brew install --cask chromium, then export CHROMIUM_PATH=/Applications/Chromium.app/Contents/MacOS/Chromium' },
  winget: { ffmpeg: 'winget install ffmpeg', chromium: 'winget install Hello.Chromium, then set CHROMIUM_PATH to its chrome.exe' },
}

/** The native BLAS addon builds on Linux only (native/gemm/build.mjs). */
export const BLAS_INSTALL = 'sudo apt-get install build-essential libopenblas-dev && npm run build:gemm'

/** The one line that installs every system package, per platform (the README's first command). */
export const SYSTEM_PACKAGES: Record<Installer, string> = {
  apt: 'sudo apt-get install build-essential libopenblas-dev ffmpeg chromium fonts-liberation',
  brew: 'brew install ffmpeg && brew install --cask chromium',
  winget: 'winget install ffmpeg Hello.Chromium',
}

export function missingPieces(m: MachineState): MissingPiece[] {
  const how = INSTALL[installerOf(m.platform)]
  const missing: MissingPiece[] = []
  if (!m.ffmpeg.found) missing.push({ what: 'ffmpeg', why: `decodes videos on disk (${m.ffmpeg.hint ?? 'not found'})`, fix: how.ffmpeg })
  if (m.platform === 'linux' && m.backend?.name === 'wasm' && m.gemm?.name === 'wasm' && !m.gemm.forced) {
    missing.push({ what: 'the OpenBLAS matrix-product addon', why: `training and evaluation on the CPU run many times slower without it (${m.gemm.detail})`, fix: BLAS_INSTALL })
  }
  if (!m.chromiumFound) missing.push({ what: 'Chromium', why: `npm test's end-to-end test and the ui-table bench drive it (looked for ${m.chromiumPath})`, fix: how.chromium })
  return missing
}

/** Where the end-to-end test would find Chromium here. */
export function chromiumState(env: NodeJS.ProcessEnv = process.env): Pick<MachineState, 'chromiumPath' | 'chromiumFound'> {
  const chromiumPath = env.CHROMIUM_PATH ?? '/usr/bin/chromium'
  return { chromiumPath, chromiumFound: existsSync(chromiumPath) }
}
