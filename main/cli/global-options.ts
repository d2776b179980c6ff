import type { BackendName } from '../../contract'
import { parseBackendName } from '../../contract/vocabulary'
import type { CliOptions } from './types'

/** Options every command that starts an engine accepts. */
export const ENGINE_OPTIONS: CliOptions = {
  'data-dir': { type: 'string' },
  backend: { type: 'string' },
}

export const ENGINE_OPTION_HELP = [
  '--data-dir DIR   data folder (default: $STDD_HOME or ~/.stdd)',
  '--backend NAME   force a TensorFlow.js backend: node-gpu, node, webgpu, wasm, cpu (default: best available; or $STDD_BACKEND)',
]

export function engineOptions(values: Record<string, unknown>): { dataDir?: string; backend?: BackendName } {
  const out: { dataDir?: string; backend?: BackendName } = {}
  if (typeof values['data-dir'] === 'string') out.dataDir = values['data-dir']
  const backend = typeof values.backend === 'string' ? values.backend : process.env.STDD_BACKEND
  if (backend) out.backend = parseBackendName(backend, typeof values.backend === 'string' ? '--backend' : 'STDD_BACKEND')
  return out
}
