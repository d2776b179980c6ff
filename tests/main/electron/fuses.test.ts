import { describe, expect, it, vi } from 'vitest'
import { applyFuses, fuseConfig, type FusesModule } from '../../../main/electron/fuses'

/** The enum of @electron/fuses (FuseV1Options), as its documentation lists it. */
const FuseV1Options = {
  RunAsNode: 0,
  EnableCookieEncryption: 1,
  EnableNodeOptionsEnvironmentVariable: 2,
  EnableNodeCliInspectArguments: 3,
  EnableEmbeddedAsarIntegrityValidation: 4,
  OnlyLoadAppFromAsar: 5,
  LoadBrowserProcessSpecificV8Snapshot: 6,
  GrantFileProtocolExtraPrivileges: 7,
}

describe('the Electron fuses', () => {
  it('are flipped through @electron/fuses keyed by its own option values', async () => {
    const flipFuses = vi.fn(async () => undefined)
    const mod: FusesModule = { flipFuses, FuseVersion: { V1: '1' }, FuseV1Options }
    await applyFuses(mod, '/pkg/stdd-explorer')
    expect(flipFuses).toHaveBeenCalledWith('/pkg/stdd-explorer', expect.objectContaining({ version: '1', 0: false, 1: true, 2: false, 3: false, 4: true, 5: true, 7: false }))
    expect(() => fuseConfig({ ...mod, FuseV1Options: { ...FuseV1Options, OnlyLoadAppFromAsar: undefined } as never })).toThrow(/does not know the fuse OnlyLoadAppFromAsar/)
  })
})
