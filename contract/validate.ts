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

/** Checks a command name and its payload at a boundary; throws a ContractError naming every bad field. */
export function parseCommand<C extends CommandName>(command: C | string, input: unknown): { command: C; input: ParsedCommandInput<C> } {
  if (!isCommandName(command)) {
    throw new ContractError('unknown_command', `unknown command "${command}"; the commands are ${COMMANDS.join(', ')}`)
  }
  const parsed = commandSchemas[command].input.safeParse(input ?? {})
  if (!parsed.success) {
    const issues = describeIssues(parsed.error)
    throw new ContractError('invalid_input', `${command}: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`, issues)
  }
  return { command: command as C, input: parsed.data as ParsedCommandInput<C> }
}
