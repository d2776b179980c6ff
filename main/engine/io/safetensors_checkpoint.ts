import { existsSync, statSync } from 'node:fs'
import { readJsonFile } from './json-file'
import { dirname, join, resolve } from 'node:path'
import { SafetensorsFile, type SafetensorsTensorInfo } from './safetensors'

export const SAFETENSORS_FILE = 'model.safetensors'
export const SAFETENSORS_INDEX = 'model.safetensors.index.json'

/**
 * The weights of a Hugging Face model folder: one `model.safetensors`, or shards listed by
 * `model.safetensors.index.json` (`weight_map`: tensor name → shard file), seen as one set of names.
 */
export class SafetensorsCheckpoint {
  private constructor(
    /** Where the weights came from (the file or the index). */
    readonly source: string,
    private readonly files: SafetensorsFile[],
    private readonly byName: Map<string, SafetensorsFile>,
  ) {}

  /** Opens a folder (single file or sharded index), a `.safetensors` file, or an index file. */
  static open(path: string): SafetensorsCheckpoint {
    const p = resolve(path)
    if (existsSync(p) && statSync(p).isDirectory()) {
      if (existsSync(join(p, SAFETENSORS_FILE))) return SafetensorsCheckpoint.open(join(p, SAFETENSORS_FILE))
      if (existsSync(join(p, SAFETENSORS_INDEX))) return SafetensorsCheckpoint.open(join(p, SAFETENSORS_INDEX))
      throw new Error(`${p}: no ${SAFETENSORS_FILE} or ${SAFETENSORS_INDEX} in this folder (convert PyTorch .bin weights with transformers' save_pretrained(safe_serialization=True))`)
    }
    if (!existsSync(p)) throw new Error(`${p}: no such file or folder`)
    if (p.endsWith('.json')) return SafetensorsCheckpoint.openIndex(p)
    const file = SafetensorsFile.open(p)
    return new SafetensorsCheckpoint(p, [file], new Map([...file.tensors.keys()].map((n) => [n, file])))
  }

  private static openIndex(indexPath: string): SafetensorsCheckpoint {
    const index = (readJsonFile(indexPath, 'safetensors index') ?? {}) as { weight_map?: Record<string, string> }
    const map = index.weight_map
    if (!map || typeof map !== 'object') throw new Error(`${indexPath}: no "weight_map" object (tensor name → shard file)`)
    const files = new Map<string, SafetensorsFile>()
    const byName = new Map<string, SafetensorsFile>()
    try {
      for (const [name, shard] of Object.entries(map)) {
        let file = files.get(shard)
        if (!file) {
          const shardPath = join(dirname(indexPath), shard)
          if (!existsSync(shardPath)) throw new Error(`${indexPath}: shard "${shard}" (for "${name}") is missing from the folder`)
          file = SafetensorsFile.open(shardPath)
          files.set(shard, file)
        }
        if (!file.tensors.has(name)) throw new Error(`${indexPath}: the index puts "${name}" in ${shard}, but that shard has no such tensor`)
        byName.set(name, file)
      }
    } catch (err) {
      for (const f of files.values()) f.close()
      throw err
    }
    return new SafetensorsCheckpoint(indexPath, [...files.values()], byName)
  }

  names(): string[] {
    return [...this.byName.keys()]
  }

  has(name: string): boolean {
    return this.byName.has(name)
  }

  info(name: string): SafetensorsTensorInfo {
    const file = this.byName.get(name)
    if (!file) throw new Error(`${this.source}: no tensor "${name}"`)
    return file.info(name)
  }

  readFloat32(name: string): Float32Array {
    const file = this.byName.get(name)
    if (!file) throw new Error(`${this.source}: no tensor "${name}"`)
    return file.readFloat32(name)
  }

  close(): void {
    for (const f of this.files) f.close()
  }
}
