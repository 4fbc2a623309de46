#!/usr/bin/env node
// Bundles @oclif/core into one ESM file, dist/vendor/oclif-core.js, which the CLI imports as `#oclif` (package.json
// "imports"). Loading oclif's ~200 module files one by one took most of the start-up time; one file loads in a
// fraction of it. TypeScript and the TS loaders oclif looks for in development are left out: in production it
// never loads them, and in development they resolve from node_modules.
// Run by `npm run build` and by npm's `prepare` (after `npm ci`).
import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

// Only the names the CLI imports are exported; test/cli/commands.test.ts checks that every one it imports is there.
const EXPORTS = ['Args', 'Command', 'Flags', 'execute']

await build({
  stdin: { contents: `export { ${EXPORTS.join(', ')} } from '@oclif/core'\n`, resolveDir: root, loader: 'js' },
  outfile: join(root, 'dist', 'vendor', 'oclif-core.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['typescript', 'ts-node', 'tsx'],
  // oclif is CommonJS: its require() calls of Node built-ins and of the external packages need a real require.
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
})
