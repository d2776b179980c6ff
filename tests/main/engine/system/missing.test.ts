import { describe, expect, it } from 'vitest'
import type { BackendReport, FfmpegInfo } from '../../../../contract'
import { describeMissing } from '../../../../main/cli/commands/info'
import { BLAS_INSTALL, missingPieces, type MachineState } from '../../../../main/engine/system/missing'

const ffmpegFound: FfmpegInfo = { found: true, ffmpegPath: '/usr/bin/ffmpeg', ffprobePath: '/usr/bin/ffprobe', version: '6', hint: null }
const ffmpegMissing: FfmpegInfo = { found: false, ffmpegPath: null, ffprobePath: null, version: null, hint: 'ffmpeg not found' }
const wasm: BackendReport = { name: 'wasm', forced: false, skipped: [], detail: 'tfjs-backend-wasm' }
const complete: MachineState = {
  platform: 'linux',
  ffmpeg: ffmpegFound,
  backend: wasm,
  gemm: { name: 'blas', forced: false, detail: 'OpenBLAS' },
  chromiumPath: '/usr/bin/chromium',
  chromiumFound: true,
}

describe('what a machine is missing, and the command that adds it', () => {
  it('is nothing on a complete machine', () => {
    expect(missingPieces(complete)).toEqual([])
    expect(describeMissing([], 'linux')).toEqual(['missing: nothing'])
  })

  it('names ffmpeg with the install command of the platform', () => {
    expect(missingPieces({ ...complete, ffmpeg: ffmpegMissing }).map((p) => [p.what, p.fix])).toEqual([['ffmpeg', 'sudo apt-get install ffmpeg']])
    expect(missingPieces({ ...complete, platform: 'darwin', ffmpeg: ffmpegMissing })[0]!.fix).toBe('brew install ffmpeg')
  })

  it('names the BLAS addon on Linux when the WASM products run without it, not when forced or on another backend', () => {
    const slow = { ...complete, gemm: { name: 'wasm', forced: false, detail: 'BLAS not used: stdd_gemm.node not built' } }
    expect(missingPieces(slow)).toEqual([{ what: 'the OpenBLAS matrix-product addon', why: expect.stringContaining('stdd_gemm.node not built'), fix: BLAS_INSTALL }])
    expect(missingPieces({ ...slow, gemm: { ...slow.gemm, forced: true } })).toEqual([])
    expect(missingPieces({ ...slow, backend: { ...wasm, name: 'cpu' } })).toEqual([])
    expect(missingPieces({ ...slow, platform: 'darwin' })).toEqual([])
  })

  it("names Chromium where npm test's end-to-end test looks for it", () => {
    const pieces = missingPieces({ ...complete, chromiumFound: false, chromiumPath: '/opt/none/chromium' })
    expect(pieces.map((p) => p.what)).toEqual(['Chromium'])
    expect(pieces[0]!.why).toContain('/opt/none/chromium')
    expect(pieces[0]!.fix).toBe('sudo apt-get install chromium fonts-liberation')
  })

  it('ends `stdd info` with each piece, its command, and the one line that adds them all', () => {
    const lines = describeMissing(missingPieces({ ...complete, ffmpeg: ffmpegMissing, chromiumFound: false }), 'linux')
    expect(lines[0]).toBe('missing:')
    expect(lines).toContain('    add it: sudo apt-get install ffmpeg')
    expect(lines.at(-1)).toBe('all system packages at once: sudo apt-get install build-essential libopenblas-dev ffmpeg chromium fonts-liberation && npm run build:gemm')
    expect(describeMissing(missingPieces({ ...complete, platform: 'darwin', ffmpeg: ffmpegMissing }), 'darwin').at(-1)).toBe('all system packages at once: brew install ffmpeg && brew install --cask chromium')
  })
})
