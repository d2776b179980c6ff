import { formatTriple } from '../askg/triples'
import type { ClassGraph, Triple } from '../askg/types'
import type { ChatMessage } from '../llm/types'

/**
 * The two prompts of the paper's Appendix A (Figures 6 and 7), as the authors' scripts send them:
 * an instruction (system), a one-shot context on "drinking beer" (user + assistant), then the input.
 * Stage 1 builds the graph from the class name (temperature 0); stage 2 completes
 * "This is an example of {label}, …" for every triple (temperature 0.7). Both ask for YAML.
 */

export const GRAPH_INSTRUCTION = `You are a commonsense knowledge base, especially for human actions.

You will be provided with an action entity name below, which is delimited with square brackets.

Use the following step-by-step instructions to respond to user inputs:

1 - Return the object entity list contained Top K most relevant objects involved in the given action (5<=K<=10).

2 - What are the relations among these object entities? Find the proper predicate names that concisely describing the relationship between each object pair chosen from the object entity list.

3 - What are the relations between the given action entity and these object entities? Choose the proper predicate names that concisely describing the relationship between the given action entity and each object entity listed above.

4 - What sub-actions does the given action entity involve? Return each sub-action name in the right processing order.

5 - Generate the action category info based on the instructions above in YAML format (with comments), reduce other prose.
Should include these fields:
[label (i.e., the given action name),
obj_en_li (i.e., object entity list),
obj_rel_triples (i.e., object-object relation triples),
act_obj_triples (i.e., action-object relation triples),
sub_act_en_li (i.e., sub-action entity list),
act_rel_triples (i.e., action-action relation triples)], under the root "given action name".`

/** The one-shot example graph (the authors' "drinking beer"). */
export const EXAMPLE_GRAPH: ClassGraph = {
  label: 'drinking beer',
  objects: ['beer', 'glass', 'mouth', 'hand', 'coaster', 'bottle opener', 'bottle'],
  subActions: ['opening bottle', 'pouring beer', 'picking up the glass', 'tilting the glass', 'swallowing the beer', 'placing the glass back on the coaster'],
  objectRelations: [
    ['beer', 'poured into', 'glass'],
    ['beer', 'is consumed through', 'mouth'],
    ['beer', 'in', 'bottle'],
    ['glass', 'held by', 'hand'],
    ['glass', 'placed on', 'coaster'],
    ['bottle', 'is opened with', 'bottle opener'],
  ].map(([head, relation, tail]) => ({ head: head!, relation: relation!, tail: tail! })),
  actionObjectRelations: [
    ['involves', 'beer'],
    ['uses', 'glass'],
    ['requires', 'mouth'],
    ['needs', 'hand'],
    ['utilizes', 'coaster'],
    ['needs', 'bottle opener'],
    ['involves', 'bottle'],
  ].map(([relation, tail]) => ({ head: 'drinking beer', relation: relation!, tail: tail! })),
  actionRelations: [
    ['drinking beer', 'starts with', 'opening bottle'],
    ['opening bottle', 'precedes', 'pouring beer'],
    ['pouring beer', 'precedes', 'picking up the glass'],
    ['picking up the glass', 'precedes', 'tilting the glass'],
    ['tilting the glass', 'precedes', 'swallowing the beer'],
    ['swallowing the beer', 'precedes', 'placing the glass back on the coaster'],
  ].map(([head, relation, tail]) => ({ head: head!, relation: relation!, tail: tail! })),
  clauses: {
    oo: [
      'where beer is poured into a glass',
      'where beer is consumed through the mouth',
      'where beer is contained in a bottle',
      'where a glass is held by the hand',
      'where a glass is placed on a coaster',
      'where a bottle is opened with a bottle opener',
    ],
    ao: ['which involves beer', 'which uses a glass', 'which requires a mouth', 'which needs a hand', 'which utilizes a coaster', 'which needs a bottle opener', 'which involves a bottle'],
    aa: [
      'starting with opening a bottle',
      'where opening the bottle precedes pouring the beer',
      'where pouring the beer comes before picking up the glass',
      'where picking up the glass comes before tilting it',
      'where tilting the glass precedes swallowing the beer',
      'where swallowing the beer comes before placing the glass back on the coaster',
    ],
  },
}

function yamlList(field: string, items: string[]): string {
  return `  ${field}:\n${items.map((i) => `  - ${i}`).join('\n')}`
}

/** Stage 1's one-shot answer, as the authors wrote it. */
function exampleGraphAnswer(g: ClassGraph): string {
  return [
    `${g.label}:`,
    `  label: ${g.label}`,
    yamlList('obj_en_li', g.objects),
    yamlList('obj_rel_triples', g.objectRelations.map(formatTriple)),
    yamlList('act_obj_triples', g.actionObjectRelations.map(formatTriple)),
    yamlList('sub_act_en_li', g.subActions),
    yamlList('act_rel_triples', g.actionRelations.map(formatTriple)),
  ].join('\n')
}

export function graphInput(className: string): string {
  return `action entity: [${className.toLowerCase()}]`
}

/** Stage 1 messages for one class. */
export function graphMessages(className: string): ChatMessage[] {
  return [
    { role: 'system', content: GRAPH_INSTRUCTION },
    { role: 'user', content: graphInput(EXAMPLE_GRAPH.label) },
    { role: 'assistant', content: exampleGraphAnswer(EXAMPLE_GRAPH) },
    { role: 'user', content: graphInput(className) },
  ]
}

export const CLAUSE_INSTRUCTION = `You are a commonsense knowledge base, especially for human actions.
You will be provided with some relation triples related to the action label below.
Use the following step-by-step instructions to respond to user inputs:
1 - Try to complete the whole sentence: "This is an example of {given action label}, ...", according to each relation triple.
2 - There is a one-to-one correspondence between each generated completion and each relation triple.
3 - You should avoid the presence of the action label in the generated completions, and only include objects (and subjects) and sub-actions in the triples.
4 - The generated completions after the comma is all we need. You should only output the content after the comma, instead of giving the whole sentence. Do not output "This is an example of {}"
5 - Output the final answers in YAML format (with comments), reduce other prose.

Desired format:
Should include all these fields:
[label (comments: action label),
xprompt_oo (comments: object-object relation prompts),
xprompt_ao (comments: action-object relation prompts),
xprompt_aa (comments: action-action relation prompts)], under the root field "action label name".`

function tripleBlock(title: string, triples: Triple[]): string {
  return [`${title}:`, ...triples.map((t, i) => `${i + 1} - ${formatTriple(t)}`)].join('\n')
}

/** Stage 2's input: the label and the three numbered triple lists. */
export function clauseInput(g: ClassGraph): string {
  return [
    `action label: ${g.label}`,
    tripleBlock('object-object relation triples', g.objectRelations),
    tripleBlock('action-object relation triples', g.actionObjectRelations),
    tripleBlock('action-action relation triples', g.actionRelations),
  ].join('\n\n')
}

function exampleClauseAnswer(g: ClassGraph): string {
  const list = (field: string, items: string[]): string => `  ${field}:\n${items.map((i) => `    - ${i}`).join('\n')}`
  return [`# This is an example of ${g.label}...`, `${g.label}:`, `  label: ${g.label}`, list('xprompt_oo', g.clauses.oo), list('xprompt_ao', g.clauses.ao), list('xprompt_aa', g.clauses.aa)].join('\n')
}

/** Stage 2 messages for one class's graph. */
export function clauseMessages(g: ClassGraph): ChatMessage[] {
  return [
    { role: 'system', content: CLAUSE_INSTRUCTION },
    { role: 'user', content: clauseInput(EXAMPLE_GRAPH) },
    { role: 'assistant', content: exampleClauseAnswer(EXAMPLE_GRAPH) },
    { role: 'user', content: clauseInput(g) },
  ]
}

/** The follow-up sent after an unusable answer. */
export function repairMessage(problems: string[]): string {
  return [
    'Your answer could not be used:',
    ...problems.map((p) => `- ${p}`),
    'Answer again with the complete YAML only, in the same format as the example, fixing these problems. No other text.',
  ].join('\n')
}
