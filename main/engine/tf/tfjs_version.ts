import { createRequire } from 'node:module'

/**
 * The TensorFlow.js version whose internals `wasm_heap.ts` (the backend's heap and tensor records)
 * and `wasm_zero_copy.ts` (kernels re-registered over the stock ones) are written against. Another
 * version may lay these out differently and give wrong numbers without any error, so the engine
 * refuses to start on one ({@link checkPatchedTfjsVersions}).
 */
export const PATCHED_TFJS_VERSION = '4.22.0'

/** The packages whose internals those files use (the union package pins the others). */
export const PATCHED_TFJS_PACKAGES = ['@tensorflow/tfjs', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm'] as const

const requireHere = createRequire(import.meta.url)

/** The installed version of each patched package (null where it cannot be read). */
export function installedTfjsVersions(): Record<string, string | null> {
  return Object.fromEntries(
    PATCHED_TFJS_PACKAGES.map((name) => {
      try {
        return [name, (requireHere(`${name}/package.json`) as { version?: string }).version ?? null]
      } catch {
        return [name, null]
      }
    }),
  )
}

/** Throws, naming each package, its version and the fix, unless every patched package is {@link PATCHED_TFJS_VERSION}. */
export function checkPatchedTfjsVersions(installed: Record<string, string | null> = installedTfjsVersions()): void {
  const wrong = Object.entries(installed).filter(([, v]) => v !== PATCHED_TFJS_VERSION)
  if (!wrong.length) return
  const found = wrong.map(([name, v]) => `${name} ${v ?? '(not found)'}`).join(', ')
  const pins = PATCHED_TFJS_PACKAGES.map((name) => `${name}@${PATCHED_TFJS_VERSION}`).join(' ')
  throw new Error(
    `TensorFlow.js ${PATCHED_TFJS_VERSION} is required, found ${found}: main/engine/tf/wasm_heap.ts and wasm_zero_copy.ts patch that version's internals. ` +
      `Run "npm install --save-exact ${pins}" (or port those two files to the new version and change PATCHED_TFJS_VERSION).`,
  )
}
