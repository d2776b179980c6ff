import { BENCH_SUITES } from '../../bench'
import type { BenchRow } from '../../bench/types'
import { describeBackend, selectBackend } from '../../engine/tf/backend'
import { formatTable } from '../format'
import { engineOptions, ENGINE_OPTION_HELP, ENGINE_OPTIONS } from '../global-options'
import { CliUsageError, type CliCommand } from '../types'

function extraText(extra: BenchRow['extra']): string {
  return Object.entries(extra ?? {})
    .map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(4)) : v}`)
    .join('  ')
}

export const benchCommand: CliCommand = {
  name: 'bench',
  summary: 'speed and memory benchmarks of the model and data paths on the active backend',
  usage: '[--suite NAME[,NAME…]] [--quick] [--json] [--backend NAME]',
  details: ['--suite NAMES    run only these suites (default: all)', '--quick          fewer repetitions (checks that the suites run)', '--json           print the rows as JSON', ...ENGINE_OPTION_HELP],
  options: { suite: { type: 'string' }, quick: { type: 'boolean' }, json: { type: 'boolean' }, ...ENGINE_OPTIONS },
  async run({ values }, { io }) {
    const wanted = typeof values.suite === 'string' ? values.suite.split(',') : null
    for (const w of wanted ?? []) {
      if (!BENCH_SUITES.some((s) => s.name === w)) throw new CliUsageError(`--suite: no suite "${w}"; the suites are ${BENCH_SUITES.map((s) => s.name).join(', ') || '(none yet)'}`)
    }
    const backend = await selectBackend(engineOptions(values).backend)
    const log = (line: string): void => io.err(line)
    log(describeBackend(backend))
    const results: Record<string, BenchRow[]> = {}
    const failures: string[] = []
    const fail = (line: string): void => {
      failures.push(line)
      log(`  FAILED: ${line}`)
    }
    for (const suite of BENCH_SUITES.filter((s) => !wanted || wanted.includes(s.name))) {
      log(`\n== ${suite.name}: ${suite.description}`)
      const rows = await suite.run({ quick: Boolean(values.quick), log, fail })
      results[suite.name] = rows
      if (!values.json) io.out(`\n${suite.name} (${backend.name})\n` + formatTable(['measurement', 'ms', 'figures'], rows.map((r) => [r.name, r.ms.toFixed(1), extraText(r.extra)])))
    }
    if (values.json) io.out(JSON.stringify({ backend: backend.name, results, ...(failures.length ? { failures } : {}) }, null, 2))
    if (failures.length) io.err(`\nstdd bench: ${failures.length} check(s) failed:\n  ${failures.join('\n  ')}`)
    return failures.length ? 1 : 0
  },
}
