import { allSynthClasses } from '../../engine/data/synth/world'
import { formatIssue } from '../../engine/text/askg/types'
import type { GenerationProgress } from '../../engine/text/generation/pipeline'
import { generateIntoStore } from '../../engine/text/graphs/generate'
import { describeVersion } from '../../engine/text/graphs/library'
import { resolveApiKey } from '../../engine/text/llm/api-key'
import { SYNTH_DATASET } from '../../engine/text/synth-graph'
import { ENGINE_OPTION_HELP, ENGINE_OPTIONS } from '../global-options'
import { CliUsageError, type CliCommand } from '../types'
import { numberOption, readClassList, withDatabase } from './askg-common'

function progressLine(e: GenerationProgress): string {
  switch (e.type) {
    case 'resumed':
      return `resuming: ${e.done} of ${e.total} classes were already done`
    case 'stage-done':
      return `  ${e.name}: ${e.stage} ✓${e.cached ? ' (cache)' : ''}${e.repairs ? ` after ${e.repairs} repair(s)` : ''}`
    case 'class-done':
      return `✓ ${e.name}`
    case 'class-failed':
      return `✗ ${e.failure.name} (${e.failure.stage}): ${e.failure.reason}`
  }
}

export const askgGenerateCommand: CliCommand = {
  name: 'askg generate',
  summary: 'build a knowledge graph with an LLM (any OpenAI-compatible endpoint), two stages as in the paper',
  usage: '--dataset DS --endpoint URL --model M [--classes FILE | --class NAME…] [options]',
  details: [
    '--dataset DS           data set the graph is for (synthmotion: by default the 216 classes any world can have, as the built-in graph)',
    '--endpoint URL         base URL, e.g. https://api.openai.com/v1, http://127.0.0.1:11434/v1 (Ollama), :8000/v1 (vLLM)',
    '--model M              model name, e.g. gpt-3.5-turbo (the paper), llama3.1',
    '--classes FILE         class names in class-index order (one per line, classes_label_<ds>.yml, or ER-ZSAR\'s',
    '                       classes620_label_defn.json: with --dataset k600 its 220 new classes)',
    '--class NAME           a class (repeatable), instead of --classes',
    '--name NAME            graph name (default <ds>-<model>); an existing name gets a new version',
    '--temperature-graph T  stage 1 temperature (default 0, as the authors)',
    '--temperature-clauses T stage 2 temperature (default 0.7, as the authors)',
    '--max-tokens N         per answer (default 1024)',
    '--concurrency N        requests in flight (default 4)',
    '--timeout S            seconds per request (default 60)',
    '--retries N            retries on 429/5xx/timeouts (default 5, exponential backoff)',
    '--repairs N            follow-ups after an unusable answer (default 2)',
    '--no-cache             do not answer repeated requests from the cache',
    '--restart              discard an unfinished generation of this name instead of resuming it',
    '--allow-partial        store the graph even if some classes failed (they are listed in its note)',
    'The API key comes from STDD_LLM_API_KEY or OPENAI_API_KEY, else the OS keychain (service stdd-explorer,',
    'account llm-api-key); it is never written to the database, the cache or the logs. Ctrl-C stops; the same',
    'command resumes where it stopped.',
    ...ENGINE_OPTION_HELP,
  ],
  options: {
    dataset: { type: 'string' },
    endpoint: { type: 'string' },
    model: { type: 'string' },
    classes: { type: 'string' },
    class: { type: 'string', multiple: true },
    name: { type: 'string' },
    'temperature-graph': { type: 'string' },
    'temperature-clauses': { type: 'string' },
    'max-tokens': { type: 'string' },
    concurrency: { type: 'string' },
    timeout: { type: 'string' },
    retries: { type: 'string' },
    repairs: { type: 'string' },
    'no-cache': { type: 'boolean' },
    restart: { type: 'boolean' },
    'allow-partial': { type: 'boolean' },
    ...ENGINE_OPTIONS,
  },
  async run({ values }, { io, stopSignal }) {
    for (const required of ['dataset', 'endpoint', 'model']) {
      if (typeof values[required] !== 'string') throw new CliUsageError(`--${required} is required`)
    }
    const dataset = values.dataset as string
    const model = values.model as string
    let names: string[]
    if (typeof values.classes === 'string') names = readClassList(values.classes, dataset)
    else if (Array.isArray(values.class)) names = values.class as string[]
    else if (dataset === SYNTH_DATASET) names = allSynthClasses().map((c) => c.name)
    else throw new CliUsageError('give the classes: --classes FILE or --class NAME (repeatable)')
    const graphName = typeof values.name === 'string' ? values.name : `${dataset}-${model.replace(/[^\w.-]+/g, '-')}`
    const key = await resolveApiKey()
    io.err(`API key: ${key.source}`)

    return withDatabase(values, async (db, dataDir) => {
      const stop = new AbortController()
      void stopSignal.then(() => stop.abort())
      io.out(`generating ${names.length} classes with ${model} at ${values.endpoint as string}`)
      const { result: r, graph: g, journalPath } = await generateIntoStore(db, {
        dataDir,
        target: { kind: 'new', name: graphName, dataset, classNames: names },
        llm: {
          endpoint: values.endpoint as string,
          model,
          graphTemperature: numberOption(values, 'temperature-graph', 0, { min: 0, max: 2 }),
          clauseTemperature: numberOption(values, 'temperature-clauses', 0.7, { min: 0, max: 2 }),
          maxTokens: numberOption(values, 'max-tokens', 1024, { min: 16, max: 32768, integer: true }),
          maxRepairs: numberOption(values, 'repairs', 2, { min: 0, max: 10, integer: true }),
          timeoutMs: numberOption(values, 'timeout', 60, { min: 1, max: 3600 }) * 1000,
          maxRetries: numberOption(values, 'retries', 5, { min: 0, max: 100, integer: true }),
          concurrency: numberOption(values, 'concurrency', 4, { min: 1, max: 64, integer: true }),
          cache: !values['no-cache'],
        },
        apiKey: key.key,
        allowPartial: !!values['allow-partial'],
        restart: !!values.restart,
        signal: stop.signal,
        onProgress: (e) => io.out(progressLine(e)),
        onLlmEvent: (e) => {
          if (e.type === 'retry') io.err(`  retry in ${(e.delayMs / 1000).toFixed(1)} s: ${e.reason}`)
        },
      })
      if (r.stopped) {
        io.err(`stopped with ${r.classes.length} of ${names.length} classes done; run the same command again to resume (journal ${journalPath})`)
        return 130
      }
      if (r.failures.length) {
        io.err(`${r.failures.length} class(es) failed:`)
        for (const f of r.failures) io.err(`  ${f.name} (${f.stage}): ${f.reason}${f.issues.length ? '\n    ' + f.issues.map(formatIssue).join('\n    ') : ''}`)
        if (!g) {
          io.err('nothing stored; run the same command again to retry only these classes (the others are kept), or add --allow-partial')
          return 1
        }
      }
      if (g) io.out(`${g.version > 1 ? 'added' : 'created'} ${describeVersion(g)}`)
      return r.failures.length || !g ? 1 : 0
    })
  },
}
