import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../../../main/cli/run-cli'
import { Engine } from '../../../main/engine/engine'
import { createRun } from '../../../main/engine/store/runs'
import { recordStep } from '../../../main/engine/store/metrics'
import { cliContext } from '../../helpers/cli-context'
import { tempDir } from '../../helpers/temp-dir'

describe('stdd', () => {
  it('--help lists every command', async () => {
    const { ctx, out } = cliContext()
    expect(await runCli(['--help'], ctx)).toBe(0)
    for (const c of ['info', 'runs list', 'serve']) expect(out.join('\n')).toContain(`  ${c}`)
  })

  it('an unknown command or option is a usage error (exit 2) that says what to do', async () => {
    const a = cliContext()
    expect(await runCli(['trian'], a.ctx)).toBe(2)
    expect(a.err.join()).toMatch(/unknown command "trian". Run "stdd --help"/)
    const b = cliContext()
    expect(await runCli(['runs', 'list', '--colour'], b.ctx)).toBe(2)
    expect(b.err.join()).toMatch(/Unknown option '--colour'/)
    expect(b.err.join()).toContain('Usage: stdd runs list')
    const c = cliContext()
    expect(await runCli(['runs'], c.ctx)).toBe(2)
    expect(c.err.join()).toContain('needs a sub-command: runs list')
  })

  it('run names the nearest known key for a mistyped one, before starting an engine', async () => {
    const dir = tempDir()
    try {
      const file = join(dir.path, 'typo.yaml')
      writeFileSync(file, 'name: typo\ntrain:\n  epocs: 2\n')
      const { ctx, err } = cliContext()
      expect(await runCli(['run', file, '--data-dir', join(dir.path, 'data')], ctx)).toBe(1)
      expect(err.join('\n')).toBe(`stdd run: ${file}: train.epocs: unknown key "epocs"; did you mean "epochs"?`)
    } finally {
      dir.remove()
    }
  })

  it('runs list prints an empty-state hint, then a table of runs with their latest metrics', async () => {
    const dir = tempDir()
    try {
      const a = cliContext()
      expect(await runCli(['runs', 'list', '--data-dir', dir.path], a.ctx)).toBe(0)
      expect(a.out.join()).toMatch(/No runs yet/)

      const engine = await Engine.start({ dataDir: dir.path, withoutTf: true })
      const exp = await engine.invoke('experiments.create', { name: 'table3' })
      const run = createRun(engine.db, { experimentId: exp.id, name: 'st-prompts', config: {}, configDiff: {}, seed: 7 })
      recordStep(engine.db, run.id, 10, 1, { top1: 71.25 })
      engine.close()

      const b = cliContext()
      expect(await runCli(['runs', 'list', '--data-dir', dir.path], b.ctx)).toBe(0)
      const table = b.out.join('\n')
      expect(table).toMatch(/^id\s+experiment\s+run\s+status/)
      expect(table).toMatch(/1\s+table3\s+st-prompts\s+queued.*top1=71.25/)

      const c = cliContext()
      expect(await runCli(['runs', 'list', '--json', '--data-dir', dir.path], c.ctx)).toBe(0)
      expect(JSON.parse(c.out.join(''))).toMatchObject([{ name: 'st-prompts', lastMetrics: { top1: 71.25 } }])

      const d = cliContext()
      expect(await runCli(['runs', 'list', '--status', 'finished', '--data-dir', dir.path], d.ctx)).toBe(2)
      expect(d.err.join()).toContain('unknown status "finished"; choose from queued, running, done, failed, cancelled')
    } finally {
      dir.remove()
    }
  })

  it('runs list --experiment takes a name as well as an id (issue 19)', async () => {
    const dir = tempDir()
    try {
      const engine = await Engine.start({ dataDir: dir.path, withoutTf: true })
      for (const name of ['table5-masking', 'table4']) {
        const exp = await engine.invoke('experiments.create', { name })
        createRun(engine.db, { experimentId: exp.id, name: `${name}-run`, config: {}, configDiff: {}, seed: 0 })
      }
      engine.close()
      for (const experiment of ['table5-masking', '1']) {
        const a = cliContext()
        expect(await runCli(['runs', 'list', '--experiment', experiment, '--json', '--data-dir', dir.path], a.ctx)).toBe(0)
        expect((JSON.parse(a.out.join('')) as { name: string }[]).map((r) => r.name)).toEqual(['table5-masking-run'])
      }
      const b = cliContext()
      expect(await runCli(['runs', 'list', '--experiment', 'table9', '--data-dir', dir.path], b.ctx)).toBe(2)
      expect(b.err.join()).toContain('no experiment is named "table9"; give an id or one of: table4, table5-masking')
    } finally {
      dir.remove()
    }
  })

  it('serve refuses a non-loopback host and an unbuilt UI with the fix', async () => {
    const a = cliContext()
    expect(await runCli(['serve', '--host', '0.0.0.0'], a.ctx)).toBe(2)
    expect(a.err.join()).toMatch(/loopback only.*SSH tunnel/)
    const b = cliContext()
    expect(await runCli(['serve'], b.ctx)).toBe(2)
    expect(b.err.join()).toMatch(/run "npm run build" first/)
  })
})
