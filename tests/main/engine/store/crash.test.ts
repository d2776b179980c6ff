import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../../../../main/engine/store/db'
import { tempDir } from '../../../helpers/temp-dir'

describe('a writer killed mid-write', () => {
  it('leaves the database readable and every step either whole or absent', async () => {
    const dir = tempDir()
    try {
      const file = join(dir.path, 'stdd.sqlite')
      const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'crash-writer.ts'), file], { stdio: ['ignore', 'pipe', 'inherit'] })
      let out = ''
      child.stdout.on('data', (d: Buffer) => (out += d.toString()))
      // Let it write for a while, then kill it without warning at an arbitrary point.
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('writer did not start')), 30_000)
        child.stdout.on('data', () => {
          if (out.includes('started')) {
            clearTimeout(timer)
            setTimeout(resolve, 700)
          }
        })
      })
      child.kill('SIGKILL')
      await once(child, 'exit')

      const db = openDatabase({ path: file })
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
      const steps = db.prepare('SELECT step, COUNT(*) AS n FROM metrics GROUP BY step ORDER BY step').all() as { step: number; n: number }[]
      expect(steps.length).toBeGreaterThan(2) // it really was writing when killed
      for (const s of steps) expect(s.n).toBe(20) // no step half-written
      const artifacts = db.prepare('SELECT step FROM artifacts ORDER BY step').all() as { step: number }[]
      expect(artifacts.map((a) => a.step)).toEqual(steps.map((s) => s.step)) // metrics and artifact of a step land together
      expect(steps.map((s) => s.step)).toEqual(steps.map((_, i) => i)) // no gaps
      db.close()
    } finally {
      dir.remove()
    }
  })
})
