import { parseArgs } from 'node:util'
import { ContractError } from '../../contract'
import { COMMANDS } from './registry'
import { CliUsageError, type CliCommand, type CliContext } from './types'

function findCommand(argv: string[]): { command: CliCommand; rest: string[] } | null {
  let best: { command: CliCommand; rest: string[] } | null = null
  for (const command of COMMANDS) {
    const words = command.name.split(' ')
    if (words.every((w, i) => argv[i] === w) && (!best || words.length > best.command.name.split(' ').length)) {
      best = { command, rest: argv.slice(words.length) }
    }
  }
  return best
}

export function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length))
  return [
    'stdd — STDD Explorer from the command line (zero-shot video action recognition with CLIP)',
    '',
    'Usage: stdd <command> [options]     (npm run stdd -- <command> [options])',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run "stdd <command> --help" for the options of one command.',
  ].join('\n')
}

function commandHelp(c: CliCommand): string {
  return [`Usage: stdd ${c.name} ${c.usage}`, '', c.summary, ...(c.details?.length ? ['', ...c.details.map((d) => '  ' + d)] : [])].join('\n')
}

/** Runs one `stdd` invocation; returns the process exit code (0 ok, 1 failure, 2 usage error). */
export async function runCli(argv: string[], ctx: CliContext): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    const target = argv[0] === 'help' ? findCommand(argv.slice(1)) : null
    ctx.io.out(target ? commandHelp(target.command) : generalHelp())
    return 0
  }
  const found = findCommand(argv)
  if (!found) {
    const group = COMMANDS.filter((c) => c.name.startsWith(argv[0] + ' '))
    ctx.io.err(
      group.length
        ? `stdd ${argv.join(' ')}: "${argv[0]}" needs a sub-command: ${group.map((c) => c.name).join(', ')}`
        : `stdd: unknown command "${argv[0]}". Run "stdd --help" for the list.`,
    )
    return 2
  }
  const { command, rest } = found
  if (rest.includes('--help') || rest.includes('-h')) {
    ctx.io.out(commandHelp(command))
    return 0
  }
  try {
    const parsed = parseArgs({ args: rest, options: command.options, allowPositionals: command.positionals ?? false, strict: true })
    return await command.run({ values: parsed.values as Record<string, unknown>, positionals: parsed.positionals }, ctx)
  } catch (err) {
    const code = (err as { code?: string }).code
    if (err instanceof CliUsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
      ctx.io.err(`stdd ${command.name}: ${(err as Error).message}\n\n${commandHelp(command)}`)
      return 2
    }
    if (err instanceof ContractError) {
      ctx.io.err(`stdd ${command.name}: ${err.message}`)
      return 1
    }
    ctx.io.err(`stdd ${command.name}: ${err instanceof Error ? err.message : String(err)}`)
    return 1
  }
}
