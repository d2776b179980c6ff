import type { RunProgress } from '../../contract'

function duration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—'
  const s = Math.round(seconds)
  return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, '0')}m`
}

/** One progress line: `[#####-----] 50% epoch 1.5 step 12/24 loss 1.234 8.1 clips/s ETA 1m20s`. */
export function progressLine(p: RunProgress, width = 24): string {
  const frac = p.totalSteps > 0 ? Math.min(1, p.step / p.totalSteps) : 0
  const filled = Math.round(frac * width)
  return [
    `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`,
    `${String(Math.round(frac * 100)).padStart(3)}%`,
    p.phase === 'train' ? `epoch ${p.epoch.toFixed(2)} step ${p.step}/${p.totalSteps}` : `evaluating: video ${p.step}/${p.totalSteps}`,
    p.loss === null ? '' : `loss ${p.loss.toFixed(4)}`,
    p.throughput === null ? '' : `${p.throughput.toFixed(1)} ${p.phase === 'train' ? 'clips' : 'videos'}/s`,
    `ETA ${duration(p.etaSeconds)}`,
  ]
    .filter(Boolean)
    .join(' ')
}

/**
 * Draws progress on a terminal (one line, rewritten) or, when stderr is a file or pipe, prints a line
 * at most every `everyMs` so logs stay readable.
 */
export function progressPrinter(write: (s: string) => void, isTty: boolean, everyMs = 5000): { update(p: RunProgress): void; done(): void } {
  let last = 0
  let drawn = false
  return {
    update(p) {
      const now = Date.now()
      if (isTty) {
        write(`\r\x1b[2K run ${p.runId} ${progressLine(p)}`)
        drawn = true
      } else if (now - last >= everyMs || p.step === p.totalSteps) {
        write(`run ${p.runId} ${progressLine(p)}\n`)
        last = now
      }
    },
    done() {
      if (drawn) write('\n')
      drawn = false
    },
  }
}
