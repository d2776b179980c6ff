import { readFileSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { decodeBF16, encodeBF16 } from '../../../../main/engine/io/float16'
import { SafetensorsFile } from '../../../../main/engine/io/safetensors'
import { SafetensorsCheckpoint } from '../../../../main/engine/io/safetensors_checkpoint'
import { writeSafetensors, writeShardedSafetensors } from '../../../../main/engine/io/safetensors_write'
import { discoverFixtures } from '../../../helpers/fixtures'
import { tempDir } from '../../../helpers/temp-dir'

const made: { remove(): void }[] = []
function makeTempDir(): string {
  const d = tempDir()
  made.push(d)
  return d.path
}
afterEach(() => {
  for (const d of made.splice(0)) d.remove()
})

const referenceFolders = discoverFixtures('hf-reference', /.*/)

describe('bfloat16', () => {
  it('rounds bfloat16 to nearest even and decodes it as the high half of a float32', () => {
    const values = new Float32Array([1, 1 + 2 ** -8, 1 + 3 * 2 ** -8, -3.5])
    expect([...encodeBF16(values)]).toEqual([0x3f80, 0x3f80, 0x3f82, 0xc060])
    expect([...decodeBF16(new Uint16Array([0x3f80, 0xc060, 0x3f82]))]).toEqual([1, -3.5, 1 + 4 * 2 ** -8])
  })
})

describe('safetensors writer and reader', () => {
  it('round-trips F32, F16, BF16 and I64 tensors with their shapes and metadata', () => {
    const dir = makeTempDir()
    const path = join(dir, 'a.safetensors')
    const w = new Float32Array([0.5, -1.25, 3, 1024, 0, -0.0078125])
    writeSafetensors(
      path,
      [
        { name: 'w32', shape: [2, 3], data: w },
        { name: 'w16', shape: [6], dtype: 'F16', data: () => w },
        { name: 'wbf', shape: [3, 2], dtype: 'BF16', data: w },
        { name: 'ids', shape: [1, 4], dtype: 'I64', data: new BigInt64Array([0n, 1n, 2n, 3n]) },
        { name: 'scalar', shape: [], data: new Float32Array([2.5]) },
      ],
      { format: 'pt', note: 'test' },
    )
    const bytes = readFileSync(path)
    expect(Number(bytes.readBigUInt64LE(0)) % 8).toBe(0) // 8-byte aligned data
    const f = SafetensorsFile.open(path)
    try {
      expect(f.metadata).toEqual({ format: 'pt', note: 'test' })
      expect(f.info('w32')).toMatchObject({ dtype: 'F32', shape: [2, 3] })
      expect(f.info('wbf')).toMatchObject({ dtype: 'BF16', shape: [3, 2] })
      for (const n of ['w32', 'w16', 'wbf']) expect([...f.readFloat32(n)]).toEqual([...w]) // all exactly representable
      expect([...f.readFloat32('ids')]).toEqual([0, 1, 2, 3])
      expect([...f.readFloat32('scalar')]).toEqual([2.5])
      expect(() => f.info('nope')).toThrow('no tensor "nope"')
    } finally {
      f.close()
    }
  })

  it('reads a sharded checkpoint through its index as one set of names', () => {
    const dir = makeTempDir()
    const tensors = Array.from({ length: 5 }, (_, i) => ({ name: `layer.${i}.weight`, shape: [4, 4], data: new Float32Array(16).fill(i) }))
    const shards = writeShardedSafetensors(dir, tensors, 2 * 64)
    expect(shards).toEqual(['model-00001-of-00003.safetensors', 'model-00002-of-00003.safetensors', 'model-00003-of-00003.safetensors'])
    const ckpt = SafetensorsCheckpoint.open(dir)
    try {
      expect(ckpt.names().sort()).toEqual(tensors.map((t) => t.name))
      expect(ckpt.readFloat32('layer.4.weight')[7]).toBe(4)
      expect(ckpt.info('layer.2.weight').shape).toEqual([4, 4])
    } finally {
      ckpt.close()
    }
  })

  it('says what is wrong with a broken file: truncated data, bad offsets, unknown dtype, missing shard', () => {
    const dir = makeTempDir()
    const path = join(dir, 'b.safetensors')
    const size = writeSafetensors(path, [{ name: 'x', shape: [4], data: new Float32Array(4) }])
    truncateSync(path, size - 4)
    expect(() => SafetensorsFile.open(path)).toThrow('tensor "x" ends at byte')
    const header = (obj: object): Buffer => {
      const json = Buffer.from(JSON.stringify(obj))
      const len = Buffer.alloc(8)
      len.writeBigUInt64LE(BigInt(json.length))
      return Buffer.concat([len, json, Buffer.alloc(64)])
    }
    writeFileSync(path, header({ x: { dtype: 'F32', shape: [4], data_offsets: [0, 12] } }))
    expect(() => SafetensorsFile.open(path)).toThrow('tensor "x" ([4] F32) should take 16 bytes but its data_offsets [0, 12] give 12')
    writeFileSync(path, header({ x: { dtype: 'Q4', shape: [4], data_offsets: [0, 2] } }))
    expect(() => SafetensorsFile.open(path)).toThrow('tensor "x" has dtype "Q4"; supported: F64, F32')
    writeFileSync(path, Buffer.from('not a safetensors file at all'))
    expect(() => SafetensorsFile.open(path)).toThrow('not a safetensors file')
    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { x: 'model-00001-of-00002.safetensors' } }))
    expect(() => SafetensorsCheckpoint.open(dir)).toThrow('shard "model-00001-of-00002.safetensors" (for "x") is missing')
    expect(() => SafetensorsCheckpoint.open(makeTempDir())).toThrow('no model.safetensors or model.safetensors.index.json')
  })

  if (referenceFolders.length === 0) it.skip('reads checkpoints written by transformers: no hf-reference fixtures under STDD_FIXTURES', () => {})
  it.each(referenceFolders)('reads a checkpoint written by transformers: %s', (folder) => {
    {
      const ckpt = SafetensorsCheckpoint.open(folder)
      try {
        const reference = JSON.parse(readFileSync(join(folder, 'reference.json'), 'utf8')) as { logit_scale: number }
        expect(ckpt.info('logit_scale').shape).toEqual([])
        expect(ckpt.readFloat32('logit_scale')[0]).toBeCloseTo(reference.logit_scale, 6)
        for (const name of ckpt.names()) expect(ckpt.readFloat32(name).length).toBe(ckpt.info(name).shape.reduce((a, b) => a * b, 1))
      } finally {
        ckpt.close()
      }
    }
  })
})
