import { describe, expect, it } from 'vitest'
import { checkPatchedTfjsVersions, installedTfjsVersions, PATCHED_TFJS_PACKAGES, PATCHED_TFJS_VERSION } from '../../../../main/engine/tf/tfjs_version'

const all = (version: string | null): Record<string, string | null> => Object.fromEntries(PATCHED_TFJS_PACKAGES.map((p) => [p, version]))

describe('the TensorFlow.js version the WASM patches are written for', () => {
  it('is the one installed here (package.json pins it)', () => {
    expect(installedTfjsVersions()).toEqual(all(PATCHED_TFJS_VERSION))
    expect(() => checkPatchedTfjsVersions()).not.toThrow()
  })

  it('refuses another version, naming the package, the version, the patched files and the fix', () => {
    const installed = { ...all(PATCHED_TFJS_VERSION), '@tensorflow/tfjs-backend-wasm': '4.23.0' }
    expect(() => checkPatchedTfjsVersions(installed)).toThrow(
      /found @tensorflow\/tfjs-backend-wasm 4\.23\.0: main\/engine\/tf\/wasm_heap\.ts and wasm_zero_copy\.ts patch.*npm install --save-exact @tensorflow\/tfjs@4\.22\.0 @tensorflow\/tfjs-core@4\.22\.0 @tensorflow\/tfjs-backend-wasm@4\.22\.0/,
    )
  })

  it('refuses a package that cannot be found', () => {
    expect(() => checkPatchedTfjsVersions({ ...all(PATCHED_TFJS_VERSION), '@tensorflow/tfjs-core': null })).toThrow(/@tensorflow\/tfjs-core \(not found\)/)
  })
})
