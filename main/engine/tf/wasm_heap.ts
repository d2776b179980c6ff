import type * as tf from '@tensorflow/tfjs'

/** The parts of tfjs-backend-wasm's tensor records and backend that kernels reading the heap in place use. */
export interface WasmTensorInfo {
  dataId: object
  shape: number[]
  dtype: tf.DataType
}

export interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): WasmTensorInfo
  typedArrayFromHeap(t: WasmTensorInfo): Float32Array | Int32Array | Uint8Array
  /** One more tensor shares `dataId`'s buffer (it is freed when the last one is disposed), as Reshape does. */
  incRef(dataId: object): void
}
