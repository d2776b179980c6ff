import { describe, expect, it } from 'vitest'
import { runCli } from '../../../../../main/cli/run-cli'
import { openWebgpuDevice, WANTED_FEATURES } from '../../../../../main/engine/tf/webgpu/device'
import { cliContext } from '../../../../helpers/cli-context'
import { tempDir } from '../../../../helpers/temp-dir'
import { WEBGPU_SKIP_REASON, WEBGPU_TESTABLE } from '../../../../helpers/webgpu'

const SOFTWARE = process.env.STDD_WEBGPU_ALLOW_SOFTWARE === '1'

describe.skipIf(!WEBGPU_TESTABLE)(`the engine's WebGPU device (${WEBGPU_TESTABLE ? 'adapter allowed' : WEBGPU_SKIP_REASON})`, () => {
  it.skipIf(!SOFTWARE)('refuses a software adapter unless STDD_WEBGPU_ALLOW_SOFTWARE=1 says to use it', async () => {
    delete process.env.STDD_WEBGPU_ALLOW_SOFTWARE
    try {
      await expect(openWebgpuDevice()).rejects.toThrow(/software rasteriser .*set STDD_WEBGPU_ALLOW_SOFTWARE=1/)
    } finally {
      process.env.STDD_WEBGPU_ALLOW_SOFTWARE = '1'
    }
  })

  it('stdd info --json lists the adapter, the features asked for and got, and the kernels of matMul and attention', async () => {
    const dir = tempDir()
    try {
      const { ctx, out } = cliContext()
      expect(await runCli(['info', '--json', '--backend', 'webgpu', '--data-dir', dir.path], ctx)).toBe(0)
      const info = JSON.parse(out.join('\n')) as { backend: { name: string; kernels: Record<string, string>; gpu: { software: boolean; vendor: string; adapterFeatures: string[]; deviceFeatures: string[] } } }
      expect(info.backend.name).toBe('webgpu')
      const gpu = info.backend.gpu
      expect(gpu.vendor.length).toBeGreaterThan(0)
      expect(gpu.software).toBe(SOFTWARE)
      // every wanted feature the adapter offers was requested and granted
      for (const f of WANTED_FEATURES) expect(gpu.deviceFeatures.includes(f), f).toBe(gpu.adapterFeatures.includes(f))
      expect(info.backend.kernels.matMul).toMatch(/^wgsl/)
      expect(info.backend.kernels.attention).toBeTruthy()
      // the storage in effect and why (nothing asked for f16 here)
      expect(info.backend.kernels.storage).toEqual(process.env.STDD_WEBGPU_STORAGE ? expect.stringMatching(/STDD_WEBGPU_STORAGE/) : 'f32 (the default)')
    } finally {
      dir.remove()
    }
  })
})
