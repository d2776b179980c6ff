import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'
import vueParser from 'vue-eslint-parser'
import globals from 'globals'

/** The renderer is untrusted: it talks to the engine through window.api only. */
const RENDERER_IS_A_PAGE = { group: ['node:*', '**/main/**', 'electron'], message: 'the renderer is untrusted: talk to the engine through window.api only' }

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'dist/**', 'coverage/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parser: vueParser, parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], sourceType: 'module' } },
  },
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  {
    // The renderer is a browser page: no Node globals, and no imports from the engine or Node.
    files: ['renderer/**/*.{ts,vue}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'no-restricted-imports': ['error', { patterns: [RENDERER_IS_A_PAGE] }] },
  },
  // The boundaries of docs/architecture.md, kept by the build: tests/main/lint/boundaries.test.ts plants a
  // violation of each and sees eslint fail.
  {
    // Components and views reach the engine through a Pinia store, never through the bridge itself.
    files: ['renderer/components/**/*.{ts,vue}', 'renderer/views/**/*.{ts,vue}'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [RENDERER_IS_A_PAGE, { group: ['**/api/bridge', '**/api/socket-bridge'], message: 'components reach the engine through a store in renderer/stores/, which calls the bridge' }] },
      ],
    },
  },
  {
    // Electron main starts the engine in another process: it imports only the engine's connection
    // modules (types from anywhere), so neither TensorFlow.js nor the store load into the window's process.
    files: ['main/index.ts', 'main/electron/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/engine/**', '!**/engine/connection', '!**/engine/host-link', '!**/engine/supervised-engine'],
              allowTypeImports: true,
              message: 'Electron main talks to the engine process through main/engine/connection.ts, host-link.ts and supervised-engine.ts only',
            },
          ],
        },
      ],
    },
  },
  {
    // SQL lives in the store: one module per table in main/engine/store/.
    files: ['main/**/*.ts'],
    ignores: ['main/engine/store/**'],
    rules: {
      'no-restricted-syntax': ['error', { selector: "CallExpression[callee.property.name='prepare']", message: 'SQL lives in main/engine/store/: add a function to the module of its table and call that' }],
    },
  },
)
