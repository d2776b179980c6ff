import { installAuthorsGraphs } from '../../engine/text/graphs/import-files'
import { describeVersion } from '../../engine/text/graphs/library'
import { ensureBuiltinSynthGraph } from '../../engine/text/synth-graph'
import { ENGINE_OPTION_HELP, ENGINE_OPTIONS } from '../global-options'
import type { CliCommand } from '../types'
import { withDatabase } from './askg-common'

export const askgBuiltinCommand: CliCommand = {
  name: 'askg builtin',
  summary: "store the built-in SynthMotion graph (no LLM), and with --authors the authors' UCF101/HMDB51/K400 graphs",
  usage: '[--authors DIR] [--data-dir DIR]',
  details: [
    "--authors DIR    also install the paper authors' released graphs from DIR (their repository's label_db/:",
    '                 classes_ASKG_<ds>.yml + classes_xprompt_<ds>.yml for ucf101, hmdb51, k400) as <ds>-authors,',
    "                 with the shipped tables that map each data set's class names to their keys",
    ...ENGINE_OPTION_HELP,
  ],
  options: { authors: { type: 'string' }, ...ENGINE_OPTIONS },
  async run({ values }, { io }) {
    return withDatabase(values, (db) => {
      io.out(describeVersion(ensureBuiltinSynthGraph(db)))
      if (typeof values.authors !== 'string') return 0
      const { installed, skipped } = installAuthorsGraphs(db, values.authors)
      for (const r of installed) {
        io.out(`${r.created ? 'created' : 'added'} ${describeVersion(r.graph)}, with ${r.aliases} class-name aliases`)
        if (r.warnings.length) io.out(`  ${r.warnings.length} warning(s):\n    ${r.warnings.join('\n    ')}`)
      }
      for (const s of skipped) io.out(`skipped ${s}`)
      return 0
    })
  },
}
