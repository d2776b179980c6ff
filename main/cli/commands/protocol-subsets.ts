import { EP1_DEFAULT_COUNT, EP1_DEFAULT_SEED, halfClassSubsets } from '../../engine/data/protocols/subsets'
import { CliUsageError, type CliCommand } from '../types'

function positiveInt(value: unknown, option: string, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback
  if (typeof value !== 'string' || !/^\d+$/.test(value) || Number(value) < 1) throw new CliUsageError(`${option} must be a positive integer (got ${value === undefined ? 'nothing' : `"${String(value)}"`})`)
  return Number(value)
}

/** A Python int seed: any integer, kept exact beyond 2^53. */
function parseSeed(value: unknown): bigint {
  if (value === undefined) return BigInt(EP1_DEFAULT_SEED)
  if (typeof value !== 'string' || !/^-?\d+$/.test(value)) throw new CliUsageError(`--seed must be an integer (got "${String(value)}")`)
  return BigInt(value)
}

export const protocolSubsetsCommand: CliCommand = {
  name: 'protocol subsets',
  summary: 'the EP1 half-class subsets, drawn exactly as CPython random.seed(S) + random.shuffle',
  usage: '--classes N [--count K] [--seed S] [--json]',
  details: [
    '--classes N      number of classes (UCF101: 101, HMDB51: 51)',
    `--count K        how many subsets (default ${EP1_DEFAULT_COUNT})`,
    `--seed S         Python random.seed (default ${EP1_DEFAULT_SEED}, the paper's)`,
    '--json           print a JSON list of the sorted index lists',
    '',
    'Check against Python (prints the same bytes as --json):',
    '  python3 -c "import random, json; random.seed(2023); print(json.dumps([sorted((random.shuffle(l), l)[1][:101 // 2])',
    "    for l in [list(range(101)) for _ in range(10)]], separators=(',', ':')))\"",
  ],
  options: { classes: { type: 'string' }, count: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values }, { io }) {
    const classes = positiveInt(values.classes, '--classes')
    const count = positiveInt(values.count, '--count', EP1_DEFAULT_COUNT)
    const seed = parseSeed(values.seed)
    const subsets = halfClassSubsets(classes, count, seed)
    if (values.json) io.out(JSON.stringify(subsets))
    else io.out([`EP1 subsets: ${count} × ${Math.floor(classes / 2)} of ${classes} classes, seed ${seed}`, ...subsets.map((s, i) => `s${i} ${s.join(',')}`)].join('\n'))
    return 0
  },
}
