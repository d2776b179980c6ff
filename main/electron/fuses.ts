/**
 * Electron fuses of the packaged app, flipped in the Electron binary at package time with
 * `@electron/fuses` (see `tools/package/apply-fuses.ts`): the binary can then not be used as a plain
 * Node (RunAsNode), be steered through NODE_OPTIONS or --inspect, or load an app other than its own
 * integrity-checked app.asar; cookies are encrypted at rest.
 */
export const FUSES = {
  RunAsNode: false,
  EnableCookieEncryption: true,
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
  // We serve the page over app://, so file:// needs none of its extra privileges.
  GrantFileProtocolExtraPrivileges: false,
} as const

export type FuseName = keyof typeof FUSES

/** The part of `@electron/fuses` used here (its documented API). */
export interface FusesModule {
  flipFuses(electronPath: string, config: Record<string | number, unknown>): Promise<unknown>
  FuseVersion: { V1: string | number }
  FuseV1Options: Record<FuseName, string | number>
}

/** The `flipFuses` config for {@link FUSES}, keyed by the module's own `FuseV1Options` values. */
export function fuseConfig(fuses: FusesModule): Record<string | number, unknown> {
  const config: Record<string | number, unknown> = { version: fuses.FuseVersion.V1, resetAdHocDarwinSignature: process.platform === 'darwin' }
  for (const [name, value] of Object.entries(FUSES) as [FuseName, boolean][]) {
    const option = fuses.FuseV1Options[name]
    if (option === undefined) throw new Error(`@electron/fuses does not know the fuse ${name}; update it to match Electron`)
    config[option] = value
  }
  return config
}

export async function applyFuses(fuses: FusesModule, electronBinary: string): Promise<void> {
  await fuses.flipFuses(electronBinary, fuseConfig(fuses))
}
