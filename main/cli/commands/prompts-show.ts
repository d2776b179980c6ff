import { describeVersion, pickGraphVersion } from '../../engine/text/graphs/library'
import { classIndexForName, versionPromptSet } from '../../engine/text/graphs/prompt-sets'
import { isPromptSetKind, PROMPT_SET_LABELS, PROMPT_SETS } from '../../../contract/vocabulary'
import { formatTable } from '../format'
import { ENGINE_OPTION_HELP, ENGINE_OPTIONS } from '../global-options'
import { CliUsageError, type CliCommand } from '../types'
import { withDatabase } from './askg-common'

export const promptsShowCommand: CliCommand = {
  name: 'prompts show',
  summary: 'the prompts of a prompt set ([C], [S], [T], [S]+[T]) built from a knowledge graph version, and its hash',
  usage: `--set ${PROMPT_SETS.join('|')} [--class NAME…] [--graph NAME[@VERSION]] [--style dataset|hard] [options]`,
  details: [
    '--set K          c = [C], s = [S] (object clauses), t = [T] (sub-action clauses), st = [S]+[T]',
    '--class NAME     show the prompts of this class (repeatable): its name, the data set\'s name (alias) or key, or its index;',
    '                 without it, a count per class',
    '--graph REF      NAME (latest version), NAME@VERSION or #ID (default: the only graph)',
    '--style S        dataset: the data set\'s first 8 templates (default); hard: "This is a video of {c}, …"',
    '--dataset DS     whose templates (default: the graph\'s data set)',
    '--no-pad         do not cycle the classes\' lists to a common length',
    '--no-dedupe      keep repeated prompts',
    '--save           store the prompt set (runs reference it by id and hash)',
    '--json           print the whole prompt set as JSON',
    ...ENGINE_OPTION_HELP,
  ],
  options: {
    set: { type: 'string' },
    class: { type: 'string', multiple: true },
    graph: { type: 'string' },
    style: { type: 'string' },
    dataset: { type: 'string' },
    'no-pad': { type: 'boolean' },
    'no-dedupe': { type: 'boolean' },
    save: { type: 'boolean' },
    json: { type: 'boolean' },
    ...ENGINE_OPTIONS,
  },
  async run({ values }, { io }) {
    const kind = values.set
    if (!isPromptSetKind(kind)) throw new CliUsageError(`--set: choose one of ${PROMPT_SETS.join(', ')}`)
    const style = typeof values.style === 'string' ? values.style : 'dataset'
    if (style !== 'dataset' && style !== 'hard') throw new CliUsageError(`--style: "${style}" is not one of dataset, hard`)
    return withDatabase(values, (db) => {
      const { graph: g, set, saved } = versionPromptSet(db, pickGraphVersion(db, values.graph as string | undefined).id, {
        kind,
        style,
        ...(typeof values.dataset === 'string' ? { dataset: values.dataset } : {}),
        pad: !values['no-pad'],
        dedupe: !values['no-dedupe'],
        save: !!values.save,
      })
      if (values.json) {
        io.out(JSON.stringify(saved ? { id: saved.id, graphId: g.id, ...set } : set, null, 2))
        return 0
      }
      const lines = [`${PROMPT_SET_LABELS[set.kind]} prompts of ${describeVersion(g)}, ${set.templateStyle} templates (${set.templates.length}), ${set.pad ? 'padded' : 'not padded'}, ${set.dedupe ? 'de-duplicated' : 'with repeats'}`, `hash ${set.hash}${saved ? `  (stored as prompt set ${saved.id}${saved.created ? '' : ', already there'})` : ''}`]
      const wanted = values.class as string[] | undefined
      if (wanted) {
        for (const w of wanted) {
          const index = classIndexForName(db, g, w)
          const c = set.classes.find((x) => x.index === index)!
          lines.push('', `${c.name} (index ${c.index}): ${c.unique} distinct per template, ${c.perTemplate} per template, ${c.prompts.length} in all`)
          c.prompts.forEach((p, i) => lines.push(`  ${String(i + 1).padStart(3)}  ${p}`))
        }
      } else {
        lines.push('', formatTable(['index', 'class', 'distinct', 'per template', 'prompts'], set.classes.map((c) => [String(c.index), c.name, String(c.unique), String(c.perTemplate), String(c.prompts.length)])))
      }
      io.out(lines.join('\n'))
      return 0
    })
  },
}
