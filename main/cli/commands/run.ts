import { resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { loadExperimentFile } from '../../engine/experiments/resolve'
import { startInProcessEngine } from '../../engine/in-process'
import type { Engine } from '../../engine/engine'
import { launchOnSlurm } from '../../engine/slurm/launch'
import { reportRuns } from '../run-report'
import { ENGINE_OPTION_HELP, ENGINE_OPTIONS, engineOptions } from '../global-options'
import { progressPrinter } from '../progress'
import { CliUsageError, type CliCommand, type CliContext } from '../types'
import { EXECUTOR_HELP, EXECUTOR_OPTIONS, followSlurmRuns, parseExecutor } from '../slurm-follow'

/** Runs the given runs in this process with a progress bar; Ctrl-C cancels the active one. Returns the exit code. */
export async function executeRuns(engine: Engine, runIds: number[], ctx: CliContext): Promise<number> {
  const bar = progressPrinter((s) => process.stderr.write(s), Boolean(process.stderr.isTTY))
  const off = engine.subscribe((event, payload) => {
    if (event === 'run.progress') bar.update(payload as Parameters<typeof bar.update>[0])
    if (event === 'log') {
      const e = payload as { level: string; source: string; message: string }
      if (e.source.startsWith('run') || e.level !== 'info') {
        bar.done()
        ctx.io.err(`${e.level === 'info' ? '' : e.level + ': '}${e.source}: ${e.message}`)
      }
    }
  })
  let stopping = false
  void ctx.stopSignal.then(() => {
    stopping = true
    engine.runs.stopWaiting()
    for (const active of engine.runs.activeRunIds) engine.runs.cancel(active)
  })
  try {
    await engine.runs.runOnly(runIds, () => stopping)
  } finally {
    bar.done()
    off()
  }
  return reportRuns(engine, runIds, ctx)
}

/** `KEY=VALUE` pairs; values are read as YAML (numbers, booleans, lists). */
export function parseOverrides(pairs: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const eq = pair.indexOf('=')
      if (eq < 1) throw new CliUsageError(`--set ${pair}: write KEY=VALUE, e.g. --set train.epochs=2`)
      return [pair.slice(0, eq), parseYaml(pair.slice(eq + 1)) as unknown]
    }),
  )
}

export const runCommand: CliCommand = {
  name: 'run',
  summary: 'train and evaluate the runs of an experiment file, with a progress bar',
  usage: 'FILE.yaml [--set KEY=VALUE]… [--executor local|slurm [--profile NAME] [--detach]] [--backend NAME] [--data-dir DIR]',
  details: [
    'Each run of the file (its sweep) is queued, then run here one at a time (STDD_LOCAL_WORKERS=N: N at a time). Ctrl-C cancels; "stdd resume ID" continues.',
    '--set KEY=VALUE  override a key in every run (YAML value), e.g. to run a SynthMotion suite on real data:',
    '                 --set model.checkpoint=/models/clip-vit-base-patch16 --set eval.0.dataset=ucf101 --set eval.0.root=/data/ucf101 --set eval.0.protocol=ep3',
    ...EXECUTOR_HELP,
    ...ENGINE_OPTION_HELP,
  ],
  options: { set: { type: 'string', multiple: true }, ...EXECUTOR_OPTIONS, ...ENGINE_OPTIONS },
  positionals: true,
  async run({ values, positionals }, ctx) {
    if (positionals.length !== 1) throw new CliUsageError('give exactly one experiment file, e.g. "stdd run experiments/smoke.yaml"')
    const overrides = parseOverrides((values.set as string[] | undefined) ?? [])
    const executor = parseExecutor(values)
    // The user's own shell may run a file anywhere; "runs.launch" (renderer, browser) only reads the experiment libraries.
    // Validated before the engine starts: a mistyped key is reported at once.
    const resolved = loadExperimentFile(resolve(positionals[0]!), overrides)
    const conn = await startInProcessEngine({ ...engineOptions(values), ...(executor.slurm ? { withoutTf: true } : {}) })
    try {
      if (executor.slurm) {
        const launched = await launchOnSlurm(conn.engine, resolved, executor.profile)
        return await followSlurmRuns(conn.engine, launched.experiment.name, launched.runs, executor.detach, ctx)
      }
      const launched = conn.engine.runs.launch(resolved)
      ctx.io.err(`experiment "${launched.experiment.name}": ${launched.runs.length} run(s) queued (${launched.runs.map((r) => `${r.id} ${r.name}`).join(', ')})`)
      return await executeRuns(conn.engine, launched.runs.map((r) => r.id), ctx)
    } finally {
      await conn.close()
    }
  },
}
