import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'
import { commitOf } from './main/engine/system/provenance'

const root = import.meta.dirname

export default defineConfig({
  main: {
    // The commit each run records is the one this bundle was built from (main/engine/system/provenance.ts).
    define: { __STDD_BUILD_COMMIT__: JSON.stringify(commitOf(root)) },
    build: {
      // Only "dependencies" are externalised by default; the optional backends must stay external too.
      externalizeDeps: { include: ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-backend-webgpu', 'webgpu'] },
      rollupOptions: {
        input: {
          index: resolve(root, 'main/index.ts'),
          cli: resolve(root, 'main/cli.ts'),
          'engine-host': resolve(root, 'main/engine/host.ts'),
          // The clip worker thread, beside the bundles that start it (main/engine/data/clip-workers/locate.ts).
          'clip-worker': resolve(root, 'main/engine/data/clip-workers/entry.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload must be one CommonJS file with nothing to require but electron.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(root, 'preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    plugins: [vue()],
    build: {
      rollupOptions: { input: { index: resolve(root, 'renderer/index.html') } },
    },
  },
})
