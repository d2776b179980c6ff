/** The one error shape that crosses the contract, whatever the transport. */
export const ERROR_CODES = ['invalid_input', 'unknown_command', 'not_found', 'conflict', 'internal', 'unavailable'] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

export interface ContractIssue {
  /** Dotted path of the offending field, e.g. `limit` or `status.0`. */
  path: string
  message: string
}

export interface ContractErrorData {
  code: ErrorCode
  message: string
  issues?: ContractIssue[]
}

export class ContractError extends Error implements ContractErrorData {
  readonly code: ErrorCode
  readonly issues?: ContractIssue[]

  constructor(code: ErrorCode, message: string, issues?: ContractIssue[]) {
    super(message)
    this.name = 'ContractError'
    this.code = code
    if (issues) this.issues = issues
  }

  toData(): ContractErrorData {
    return this.issues ? { code: this.code, message: this.message, issues: this.issues } : { code: this.code, message: this.message }
  }

  static fromData(data: ContractErrorData): ContractError {
    return new ContractError(data.code, data.message, data.issues)
  }
}

export function isContractErrorData(value: unknown): value is ContractErrorData {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return typeof v.message === 'string' && typeof v.code === 'string' && (ERROR_CODES as readonly string[]).includes(v.code)
}
