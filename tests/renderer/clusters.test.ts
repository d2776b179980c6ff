import { flushPromises, mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { describe, expect, it } from 'vitest'
import type { ClusterProfile } from '../../contract/api-runtime'
import { fakeBridge } from './fake-bridge'

const profile = (name: string, over: Partial<ClusterProfile> = {}): ClusterProfile => ({
  name,
  ssh: null,
  sshOptions: [],
  slurmConf: null,
  partition: null,
  account: null,
  timeLimit: null,
  gpus: 0,
  cpus: 1,
  memory: null,
  extraSbatch: [],
  stddCommand: 'stdd',
  runsFolder: null,
  nodeDataDir: null,
  signalGraceSeconds: 120,
  ...over,
})
const bridge = fakeBridge({
  'clusters.list': { file: '/data/clusters.yaml', profiles: [profile('default'), profile('a100', { ssh: 'login1', partition: 'gpu', gpus: 1 })] },
  'clusters.test': (i) => ({ ok: i.name === 'default', command: i.name === 'a100' ? 'ssh login1 -- sinfo --summarize' : 'sinfo --summarize', output: i.name === 'a100' ? 'Permission denied (publickey)' : 'PARTITION AVAIL' }),
  'clusters.save': (i) => [profile('default'), profile(i.profile.name)],
  'experiments.files': [{ file: '/x/smoke.yaml', label: 'smoke.yaml', source: 'built-in', name: 'smoke', description: '', runs: 1, error: null }],
  'runs.launch': () => ({ experiment: { id: 1, name: 'smoke', description: '', filePath: null, createdAt: '', runCount: 1 }, runs: [] }),
  'runs.job': {
    job: { profile: 'a100', cluster: 'hpc', jobId: '41_0', submitTime: 1, state: 'PENDING', node: null, pendingReason: 'Priority', preemptions: 1, requeues: 1, runDir: '/scratch/run-x', resumable: false, updatedAt: '' },
    script: '#!/bin/bash\n#SBATCH --requeue\n',
    logTail: '== worker.log\nepoch 1',
  },
})
window.api = bridge

describe('the cluster parts of the UI', () => {
  it('launches on a Slurm profile picked in the launch panel', async () => {
    const { default: LaunchPanel } = await import('../../renderer/components/LaunchPanel.vue')
    const w = mount(LaunchPanel, { global: { plugins: [createPinia()] } })
    await flushPromises()
    await w.get('[data-test=executor]').setValue('slurm')
    await w.get('[data-test=cluster-profile]').setValue('a100')
    await w.get('[data-test=experiment-file] [data-test=launch-file]').trigger('click')
    await flushPromises()
    expect(bridge.calls.filter((c) => c.command === 'runs.launch').at(-1)?.input).toEqual({ file: '/x/smoke.yaml', overrides: {}, executor: 'slurm', profile: 'a100' })
    w.unmount()
  })

  it('shows a run\'s job, pending reason, pre-emptions, log tail and sbatch script', async () => {
    const { default: SlurmJobPanel } = await import('../../renderer/components/clusters/SlurmJobPanel.vue')
    const w = mount(SlurmJobPanel, { props: { runId: 7 }, global: { plugins: [createPinia()] } })
    await flushPromises()
    expect(w.get('[data-test=slurm-state]').text()).toBe('PENDING — waiting: Priority')
    expect(w.text()).toContain('41_0 on cluster hpc (profile a100)')
    expect(w.get('[data-test=slurm-log]').text()).toContain('epoch 1')
    expect(w.get('[data-test=slurm-script]').text()).toContain('#SBATCH --requeue')
    w.unmount()
  })

  it('tests a profile\'s connection in Settings and shows what sinfo said', async () => {
    const { default: Panel } = await import('../../renderer/components/clusters/ClusterProfilesPanel.vue')
    const w = mount(Panel, { global: { plugins: [createPinia()] } })
    await flushPromises()
    expect(w.findAll('[data-test=cluster-profile-row]').map((r) => r.find('strong').text())).toEqual(['default', 'a100'])
    await w.findAll('[data-test=cluster-test]')[1]!.trigger('click')
    await flushPromises()
    const out = w.get('[data-test=cluster-test-output]')
    expect(out.text()).toContain('Permission denied (publickey)')
    expect(out.classes()).toContain('bad')
    w.unmount()
  })
})
