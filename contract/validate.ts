import type { z } from 'zod'
import type { CommandName, ParsedCommandInput } from './index'
import { commandSchemas } from './commands'
import { COMMANDS, isCommandName } from './channels'
import { ContractError, type ContractIssue } from './errors'

/** Turns a zod failure into issues that name the field and what it allows. */
export function describeIssues(error: z.ZodError): ContractIssue[] {
  return error.issues.map((i) => {
    const path = i.path.map(String).join('.') || '(payload)'
    let message = i.message
    if (i.code === 'invalid_value') message = `must be one of ${i.values.map((v) => JSON.stringify(v)).join(', ')}`
    if (i.code === 'unrecognized_keys') message = `unknown field(s) ${i.keys.join(', ')}`
    return { path, message }
  })
}

/** The deepest nesting of arrays and objects a command's input may have (no command needs more than a few levels). */
export const MAX_INPUT_DEPTH = 64

/** Whether `value` nests arrays/objects deeper than `max` levels; iterative, so any depth is measured without recursion. */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]]
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!
    if (node === null || typeof node !== 'object') continue
    if (depth > max) return true
    for (const child of Object.values(node)) stack.push([child, depth + 1])
  }
  return false
}

/** Checks a command name and its payload at a boundary; throws a ContractError naming every bad field. */
export function parseCommand<C extends CommandName>(command: C | string, input: unknown): { command: C; input: ParsedCommandInput<C> } {
  if (!isCommandName(command)) {
    throw new ContractError('unknown_command', `unknown command "${command}"; the commands are ${COMMANDS.join(', ')}`)
  }
  if (nestedDeeperThan(input, MAX_INPUT_DEPTH)) throw new ContractError('invalid_input', `${command}: the input nests more than ${MAX_INPUT_DEPTH} levels of arrays or objects; no command takes that`)
  const parsed = commandSchemas[command].input.safeParse(input ?? {})
  if (!parsed.success) {
    const issues = describeIssues(parsed.error)
    throw new ContractError('invalid_input', `${command}: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`, issues)
  }
  return { command: command as C, input: parsed.data as ParsedCommandInput<C> }
}
