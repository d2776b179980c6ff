import { existsSync } from 'node:fs'
import { readJsonFile } from '../io/json-file'
import { join } from 'node:path'
import { Tokenizer } from '@huggingface/tokenizers'

/**
 * transformers' `CLIPTokenizer(Fast)` on a model folder's `tokenizer.json`, through
 * @huggingface/tokenizers (normaliser, CLIP's split regex, byte-level BPE, `<|startoftext|>` …
 * `<|endoftext|>`). That library has no padding: {@link ClipTokenizer.call} pads and truncates as
 * transformers does with `padding="max_length", truncation=True, max_length=77`.
 */

export interface TokenizedBatch {
  /** [batch, maxLength]: start token, text, end-of-text; cut to maxLength − 1 tokens + end-of-text; padded with the pad id. */
  inputIds: number[][]
  /** 1 for real tokens (end-of-text included), 0 for padding. */
  attentionMask: number[][]
}

interface TokenizerConfigJson {
  model_max_length?: number
  pad_token?: string | { content: string }
  eos_token?: string | { content: string }
  bos_token?: string | { content: string }
}

const tokenText = (t: TokenizerConfigJson['pad_token']): string | undefined => (typeof t === 'string' ? t : t?.content)

export class ClipTokenizer {
  readonly maxLength: number
  readonly padTokenId: number
  readonly eosTokenId: number
  readonly bosTokenId: number

  constructor(
    private readonly tokenizer: Tokenizer,
    config: TokenizerConfigJson,
    /** The text tower's max_position_embeddings: a cap on model_max_length. */
    maxPositions = 77,
  ) {
    const id = (text: string | undefined, what: string): number => {
      const found = text === undefined ? undefined : tokenizer.token_to_id(text)
      if (found === undefined) throw new Error(`tokenizer: the ${what} token ${JSON.stringify(text)} is not in the vocabulary`)
      return found
    }
    this.eosTokenId = id(tokenText(config.eos_token) ?? '<|endoftext|>', 'end-of-text')
    this.bosTokenId = id(tokenText(config.bos_token) ?? '<|startoftext|>', 'start-of-text')
    // CLIP pads with the end-of-text token (tokenizer_config pad_token), not config.json's pad_token_id.
    this.padTokenId = id(tokenText(config.pad_token) ?? tokenText(config.eos_token) ?? '<|endoftext|>', 'padding')
    this.maxLength = Math.min(config.model_max_length ?? maxPositions, maxPositions)
  }

  /** Loads `tokenizer.json` (+ `tokenizer_config.json` when present) from a model folder. */
  static fromFolder(dir: string, maxPositions = 77): ClipTokenizer {
    const path = join(dir, 'tokenizer.json')
    if (!existsSync(path)) throw new Error(`${dir}: no tokenizer.json (save the model with a fast tokenizer: CLIPTokenizerFast / AutoTokenizer.save_pretrained)`)
    const json = readJsonFile(path, 'tokenizer.json') as object
    const configPath = join(dir, 'tokenizer_config.json')
    const config = existsSync(configPath) ? (readJsonFile(configPath, 'tokenizer_config.json') as TokenizerConfigJson) : {}
    try {
      return new ClipTokenizer(new Tokenizer(json, config), config, maxPositions)
    } catch (err) {
      throw new Error(`${path}: ${(err as Error).message}`, { cause: err })
    }
  }

  /** Token ids with the start and end tokens, unpadded and untruncated. */
  encode(text: string): number[] {
    return this.tokenizer.encode(text).ids
  }

  decode(ids: number[]): string {
    return this.tokenizer.decode(ids, { skip_special_tokens: true })
  }

  /** Tokenises, truncates and pads a batch to `maxLength` (default the model's, 77). */
  call(texts: readonly string[], maxLength = this.maxLength): TokenizedBatch {
    const inputIds: number[][] = []
    const attentionMask: number[][] = []
    for (const text of texts) {
      let ids = this.encode(text)
      if (ids.length > maxLength) ids = [...ids.slice(0, maxLength - 1), this.eosTokenId]
      const pad = maxLength - ids.length
      inputIds.push([...ids, ...new Array<number>(pad).fill(this.padTokenId)])
      attentionMask.push([...new Array<number>(ids.length).fill(1), ...new Array<number>(pad).fill(0)])
    }
    return { inputIds, attentionMask }
  }
}
