import { readFileSync } from 'node:fs'
import { ClipPipeline, type ClipEncodeResult } from '../../engine/clip/pipeline_clip'
import { describeBackend, selectBackend } from '../../engine/tf/backend'
import { formatTable } from '../format'
import { ENGINE_OPTION_HELP, ENGINE_OPTIONS, engineOptions } from '../global-options'
import { CliUsageError, type CliCommand } from '../types'

function readPixels(path: string): number[][][][] {
  let json: unknown
  try {
    json = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new CliUsageError(`--pixels ${path}: cannot read it as JSON (${(err as Error).message})`)
  }
  const pixels = Array.isArray(json) ? json : (json as { pixel_values?: unknown }).pixel_values
  const ok = Array.isArray(pixels) && pixels.every((img) => Array.isArray(img) && img.every((ch) => Array.isArray(ch) && ch.every((row) => Array.isArray(row))))
  if (!ok) throw new CliUsageError(`--pixels ${path}: expected a [N, 3, H, W] array of normalised pixels, or an object with "pixel_values" holding one`)
  return pixels as number[][][][]
}

const norm = (v: number[]): number => Math.hypot(...v)
const short = (v: number[]): string => `[${v
  .slice(0, 4)
  .map((x) => x.toFixed(4))
  .join(', ')}${v.length > 4 ? ', …' : ''}] (${v.length}-d, |e| ${norm(v).toFixed(3)})`

function describe(r: ClipEncodeResult): string {
  const lines: string[] = []
  r.texts.forEach((t, i) => lines.push(`text ${i}: ${JSON.stringify(t)} (${r.tokenCounts[i]} tokens) → ${short(r.textEmbeds[i]!)}`))
  r.images.forEach((name, i) => lines.push(`image ${i}: ${name} → ${short(r.imageEmbeds[i]!)}`))
  if (r.logitsPerImage.length) {
    lines.push('', `logits per image: exp(logit_scale = ${r.logitScale.toFixed(4)}) · cosine; softmax over the texts`)
    const rows = r.images.map((name, i) => {
      const logits = r.logitsPerImage[i]!
      const max = Math.max(...logits)
      const exp = logits.map((l) => Math.exp(l - max))
      const sum = exp.reduce((a, b) => a + b, 0)
      return [name, ...logits.map((l, j) => `${l.toFixed(2)} (${r.cosine[i]![j]!.toFixed(3)}, p ${(exp[j]! / sum).toFixed(3)})`)]
    })
    lines.push(formatTable(['image', ...r.texts.map((_, j) => `text ${j}`)], rows))
  }
  return lines.join('\n')
}

export const clipEncodeCommand: CliCommand = {
  name: 'clip encode',
  summary: 'text and image embeddings and cosine logits of a Hugging Face CLIP folder (check a checkpoint)',
  usage: '--model DIR [--text "…"]… [--images a.png …] [--pixels file.json] [--json] [--backend NAME]',
  details: [
    '--model DIR      a CLIP folder as transformers saves it: config.json, model.safetensors (or sharded), tokenizer.json',
    '--text T         a text to encode (repeat for several)',
    '--images F …     image files: PNG, or any format ffmpeg reads (the words after --images are images too)',
    '--pixels FILE    JSON [N, 3, H, W] of normalised pixels, or {"pixel_values": …} (e.g. a reference.json)',
    '--json           print one JSON object with the full embeddings and logits',
    ...ENGINE_OPTION_HELP,
  ],
  options: { model: { type: 'string' }, text: { type: 'string', multiple: true }, images: { type: 'string', multiple: true }, pixels: { type: 'string' }, json: { type: 'boolean' }, ...ENGINE_OPTIONS },
  positionals: true,
  async run({ values, positionals }, { io }) {
    if (typeof values.model !== 'string') throw new CliUsageError('--model DIR is required')
    const texts = (values.text as string[] | undefined) ?? []
    const images = [...((values.images as string[] | undefined) ?? [])]
    if (positionals.length) {
      if (!images.length) throw new CliUsageError(`unexpected argument "${positionals[0]}" (image files go after --images)`)
      images.push(...positionals)
    }
    const pixels = typeof values.pixels === 'string' ? readPixels(values.pixels) : undefined
    if (!texts.length && !images.length && !pixels) throw new CliUsageError('nothing to encode: give --text, --images or --pixels')
    const backend = await selectBackend(engineOptions(values).backend)
    if (!values.json) io.err(describeBackend(backend))
    const pipeline = ClipPipeline.load(values.model)
    try {
      if (pipeline.model.unexpected.length) io.err(`warning: ${pipeline.model.unexpected.length} tensor(s) in the checkpoint are not CLIP parameters, ignored: ${pipeline.model.unexpected.slice(0, 5).join(', ')}${pipeline.model.unexpected.length > 5 ? ', …' : ''}`)
      const result = await pipeline.encode({ texts, imagePaths: images, ...(pixels ? { pixels } : {}) })
      io.out(values.json ? JSON.stringify({ backend: backend.name, model: values.model, ...result }, null, 2) : describe(result))
      return 0
    } finally {
      pipeline.dispose()
    }
  },
}
