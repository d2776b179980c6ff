import { execFileSync } from 'node:child_process'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ContractError } from '../../../../contract'
import { Engine } from '../../../../main/engine/engine'
import { MAX_EXPERIMENT_FILE_BYTES } from '../../../../main/engine/experiments/limits'
import { tempDir } from '../../../helpers/temp-dir'

/** `runs.launch` is callable from the renderer and the browser: it must read only experiment files. */

let dir: ReturnType<typeof tempDir>
let engine: Engine
let dataDir: string
const SECRET = 'token: hunter2-secret-value'

async function launchError(input: Record<string, unknown>): Promise<ContractError> {
  try {
    await engine.invoke('runs.launch', input)
  } catch (err) {
    expect(err).toBeInstanceOf(ContractError)
    return err as ContractError
  }
  throw new Error('runs.launch was expected to refuse this input')
}

beforeAll(async () => {
  dir = tempDir()
  dataDir = join(dir.path, 'data')
  mkdirSync(join(dataDir, 'experiments', 'mine'), { recursive: true })
  writeFileSync(join(dataDir, 'experiments', 'mine', 'ok.yaml'), 'name: allowed\n')
  writeFileSync(join(dir.path, 'outside.yaml'), `name: outside\n${SECRET}\n`)
  writeFileSync(join(dataDir, 'experiments', 'broken.yaml'), `name: [unclosed\n${SECRET}\n`)
  writeFileSync(join(dataDir, 'experiments', 'huge.yaml'), 'name: huge\n' + '#'.repeat(MAX_EXPERIMENT_FILE_BYTES))
  symlinkSync(join(dir.path, 'outside.yaml'), join(dataDir, 'experiments', 'escape.yaml'))
  symlinkSync('/dev/zero', join(dataDir, 'experiments', 'zero.yaml'))
  execFileSync('mkfifo', [join(dataDir, 'experiments', 'fifo.yaml')])
  engine = await Engine.start({ dataDir, withoutTf: true })
})
afterAll(() => {
  engine.close()
  dir.remove()
})

describe('runs.launch {file}', () => {
  it('launches a file of the data folder\'s experiments/', async () => {
    const launched = await engine.invoke('runs.launch', { file: join(dataDir, 'experiments', 'mine', 'ok.yaml') })
    expect(launched.experiment.name).toBe('allowed')
  })

  it('launches a shipped suite', async () => {
    const launched = await engine.invoke('runs.launch', { file: resolve('experiments/smoke.yaml') })
    expect(launched.runs.length).toBeGreaterThan(0)
  })

  it('refuses a file outside the libraries, without quoting it', async () => {
    for (const file of [join(dir.path, 'outside.yaml'), '/etc/passwd', join(dataDir, 'experiments', '..', '..', 'outside.yaml')]) {
      const err = await launchError({ file })
      expect(err.code).toBe('invalid_input')
      expect(err.message).toMatch(/only experiment files under .*experiments/)
      expect(err.message).not.toContain('hunter2')
      expect(err.message).not.toContain('root:')
    }
  })

  it('follows symlinks before deciding: a link out of the library, to /dev/zero or a FIFO is refused', async () => {
    expect((await launchError({ file: join(dataDir, 'experiments', 'escape.yaml') })).message).toMatch(/only experiment files under/)
    expect((await launchError({ file: join(dataDir, 'experiments', 'zero.yaml') })).message).toMatch(/only experiment files under/)
    expect((await launchError({ file: '/dev/zero' })).message).toMatch(/only experiment files under/)
    expect((await launchError({ file: join(dataDir, 'experiments', 'fifo.yaml') })).message).toMatch(/not a regular file/)
    expect((await launchError({ file: join(dataDir, 'experiments') })).message).toMatch(/not a regular file/)
  })

  it('refuses a file over the size limit and never echoes YAML content in a syntax error', async () => {
    expect((await launchError({ file: join(dataDir, 'experiments', 'huge.yaml') })).message).toMatch(/larger than the 1048576-byte limit/)
    const syntax = await launchError({ file: join(dataDir, 'experiments', 'broken.yaml') })
    expect(syntax.message).toMatch(/broken\.yaml is not valid YAML \(\w+ at line \d+, column \d+\)/)
    expect(syntax.message).not.toContain('hunter2')
    expect(syntax.message).not.toContain('unclosed')
  })

  it('names a missing file and where files may live', async () => {
    expect((await launchError({ file: join(dataDir, 'experiments', 'nope.yaml') })).message).toMatch(/nope\.yaml: no such experiment file; put it under/)
  })
})

describe('experiments.files', () => {
  it('lists the library without hanging on a FIFO or reading /dev/zero, each bad entry with its reason', async () => {
    const entries = await engine.invoke('experiments.files', {})
    const byLabel = Object.fromEntries(entries.filter((e) => e.source === 'user').map((e) => [e.label, e]))
    expect(byLabel['mine/ok.yaml']).toMatchObject({ name: 'allowed', error: null })
    expect(byLabel['fifo.yaml']!.error).toMatch(/not a regular file/)
    expect(byLabel['zero.yaml']!.error).toMatch(/only experiment files under/)
    expect(byLabel['escape.yaml']!.error).toMatch(/only experiment files under/)
    expect(byLabel['huge.yaml']!.error).toMatch(/larger than/)
    expect(JSON.stringify(entries)).not.toContain('hunter2')
  })
})

describe('runs.launch {yaml, baseDir}', () => {
  it('resolves relative paths against the data folder by default, or a library folder', async () => {
    const a = await engine.invoke('runs.launch', { yaml: 'name: pasted\nmodel: { checkpoint: ckpt/x }\n' })
    expect((a.runs[0] as unknown as { name: string }).name).toBe('default')
    const b = await engine.invoke('runs.launch', { yaml: 'name: pasted2\n', baseDir: join(dataDir, 'experiments', 'mine') })
    expect(b.experiment.name).toBe('pasted2')
  })

  it('refuses a baseDir outside the data folder, through a symlink, or one that is a file', async () => {
    symlinkSync('/etc', join(dataDir, 'experiments', 'etc-link'))
    for (const baseDir of ['/etc', dir.path, join(dataDir, 'experiments', 'etc-link')]) {
      expect((await launchError({ yaml: 'name: x\n', baseDir })).message).toMatch(/is not a folder under/)
    }
    expect((await launchError({ yaml: 'name: x\n', baseDir: join(dataDir, 'experiments', 'mine', 'ok.yaml') })).message).toMatch(/is not a folder under/)
    expect((await launchError({ yaml: 'name: x\n', baseDir: '/no/such/folder' })).message).toMatch(/does not exist/)
  })

  it('never echoes pasted YAML in a syntax error', async () => {
    const err = await launchError({ yaml: `name: [oops\n${SECRET}\n` })
    expect(err.message).toMatch(/the experiment YAML is not valid YAML/)
    expect(err.message).not.toContain('hunter2')
  })
})
