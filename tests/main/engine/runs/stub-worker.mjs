// A stand-in for `stdd worker --run-dir DIR` (local-worker.test.ts): it behaves as its run's
// experiment name says — "polite" stops on a cancel message, "term" only on SIGTERM, "stubborn"
// never (it must be killed), "crash" dies after a few lines on stderr.
import { appendFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const dir = process.argv[process.argv.indexOf('--run-dir') + 1]
const spec = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'))
let seq = 0
const append = (body) => appendFileSync(join(dir, 'record.jsonl'), JSON.stringify({ seq: ++seq, runKey: spec.runKey, at: new Date().toISOString(), ...body }) + '\n')
const mode = spec.config.name

append({ type: 'start', attempt: 1, pid: process.pid, host: 'stub', backend: 'stub' })
append({ type: 'log', level: 'info', message: `stub worker (${mode}) started` })
process.stderr.write(`stub worker ${process.pid} (${mode})\n`)
const keepAlive = setInterval(() => append({ type: 'progress', phase: 'train', step: 1, totalSteps: 2, epoch: 0.5, loss: 1, throughput: null, etaSeconds: null }), 50)
const stop = (code, how) => {
  clearInterval(keepAlive)
  append({ type: 'log', level: 'info', message: `stopped by ${how}` })
  append({ type: 'end', status: 'cancelled', error: null })
  process.exit(code)
}
process.on('message', (m) => {
  if (m?.type === 'cancel' && mode === 'polite') stop(0, 'the cancel message')
})
process.on('SIGTERM', () => {
  if (mode === 'term') stop(143, 'SIGTERM')
})
if (mode === 'crash') {
  process.stderr.write('loading the native addon\nFATAL: out of memory in the BLAS addon\n')
  process.exit(134)
}
