// Gathers what tools/gpu/run.sh's steps left into one $OUT/results.json, and prints the figures.
//   node tools/gpu/summarize.mjs WORK_DIR OUT_DIR BACKEND
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const [work, out, backend] = process.argv.slice(2)
const say = (line) => process.stdout.write(line + '\n')
const read = (file) => (existsSync(file) ? readFileSync(file, 'utf8') : '')

function json(file) {
  const text = read(file).trim()
  if (!text) return null
  try {
    return JSON.parse(text)
  } catch {
    return { unparsed: text.slice(0, 4000) }
  }
}

const steps = read(join(work, 'steps.tsv'))
  .split('\n')
  .filter(Boolean)
  .map((line) => {
    const [name, rc, ms, status] = line.split('\t')
    const log = read(join(out, `${name}.txt`)).split('\n')
    return {
      name,
      status,
      exit: Number(rc),
      seconds: Number(ms) / 1000,
      result: json(join(work, `${name}.json`)),
      // The last lines of the step's output: the error of a failed step, the result table of `run`.
      tail: log.filter((l) => l.trim() && !l.startsWith('--- JSON')).slice(status === 'ok' ? -12 : -25),
    }
  })

const setup = read(join(out, 'run.log')).split('\n').slice(0, 25)
const results = { backend, made: new Date().toISOString(), setup, steps }
writeFileSync(join(out, 'results.json'), JSON.stringify(results, null, 2) + '\n')

const info = steps.find((s) => s.name === 'info')?.result
if (info?.backend) say(`backend: ${info.backend.name}: ${info.backend.detail}`)
for (const s of steps) {
  const rows = Object.entries(s.result?.results ?? {}).flatMap(([suite, list]) => list.map((r) => ({ suite, ...r })))
  for (const r of rows) {
    const extra = Object.entries(r.extra ?? {})
      .map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(4)) : v}`)
      .join(' ')
    say(`  ${r.suite}: ${r.name}: ${r.ms === null || Number.isNaN(r.ms) ? '–' : `${Number(r.ms).toFixed(1)} ms`}${extra ? `  (${extra})` : ''}`)
  }
}
say(`results: ${join(out, 'results.json')}`)
