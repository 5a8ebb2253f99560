// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeIo = ['fs', 'fs/promises', 'net', 'http', 'https', 'http2', 'child_process', 'worker_threads', 'dgram', 'tls', 'os', 'readline', 'cluster'];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'test-results/**', '.cache/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // The core runs in the CLI, the HTTP endpoint, the extension and unit tests alike: no I/O, no editor.
    files: ['src-core/**/*.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-imports': ['error', { paths: ['vscode', ...nodeIo, ...nodeIo.map((m) => `node:${m}`)] }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'Time comes from the injected Clock.' }, { object: 'Math', property: 'random', message: 'Randomness comes from the injected Random.' }],
      'no-restricted-globals': ['error', { name: 'setTimeout', message: 'Time comes from the injected Clock.' }, { name: 'setInterval', message: 'Time comes from the injected Clock.' }],
    },
  },
  {
    // The protocol is the one contract between client and server (the layers of
    // test/unit/structure/imports.test.ts): message types from vscode-languageserver-protocol and core
    // types, nothing of either side, of the Node adapters, or of Node I/O.
    files: ['protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['vscode', 'vscode-languageclient', 'vscode-languageserver', ...nodeIo, ...nodeIo.map((m) => `node:${m}`)],
        patterns: [
          { group: ['vscode-languageclient/*', 'vscode-languageserver/*'], message: 'The protocol uses vscode-languageserver-protocol, shared by both sides.' },
          { group: ['**/client/**', '**/server/**', '**/src-node/**', '../client', '../server', '../src-node'], message: 'The protocol depends on neither side nor on the Node adapters.' },
        ],
      }],
    },
  },
  {
    // The language server speaks through its connection; console output would corrupt stdio transport.
    files: ['server/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
