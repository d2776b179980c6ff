import { ensureBuiltinSynthGraph } from '../../engine/text/synth-graph'
import { ENGINE_OPTION_HELP, ENGINE_OPTIONS } from '../global-options'
import type { CliCommand } from '../types'
import { describeGraph, withDatabase } from './askg-common'

export const askgBuiltinCommand: CliCommand = {
  name: 'askg builtin',
  summary: 'store the built-in SynthMotion knowledge graph (derived from the class compositions, no LLM)',
  usage: '[--data-dir DIR]',
  details: [...ENGINE_OPTION_HELP],
  options: { ...ENGINE_OPTIONS },
  async run({ values }, { io }) {
    return withDatabase(values, (db) => {
      io.out(describeGraph(ensureBuiltinSynthGraph(db)))
      return 0
    })
  },
}
