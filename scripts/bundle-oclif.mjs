#!/usr/bin/env node
// Bundles @oclif/core into one ESM file, dist/vendor/oclif-core.js, which the CLI imports as `#oclif` (package.json
// "imports"). Loading oclif's ~200 module files one by one took most of the start-up time; one file loads in a
// fraction of it. TypeScript and the TS loaders oclif looks for in development are left out: in production it
// never loads them, and in development they resolve from node_modules.
// Run by `npm run build`; bin/run.js says so when the bundle is missing.
import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

// Only the names the CLI imports are exported, each from its own module rather than oclif's index (which loads
// and runs more, e.g. a Node version check with semver); test/cli/commands.test.ts checks every name is there.
const ENTRY = [
  "export * as Args from '@oclif/core/args'",
  "export { Command } from '@oclif/core/command'",
  "export * as Flags from '@oclif/core/flags'",
  "export { execute } from '@oclif/core/execute'",
  "export { loadHelpClass } from '@oclif/core/help'",
].join('\n')

await build({
  stdin: { contents: `${ENTRY}\n`, resolveDir: root, loader: 'js' },
  outfile: join(root, 'dist', 'vendor', 'oclif-core.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['typescript', 'ts-node', 'tsx'],
  // oclif is CommonJS: its require() calls of Node built-ins and of the external packages need a real require.
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
  legalComments: 'none',
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
})
