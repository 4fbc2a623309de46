// The CLI's start-up wiring: oclif's explicit command list is complete, every command file imports oclif through
// the bundled `#oclif` (a direct '@oclif/core' import would load the unbundled copy too), and the bundle exports
// every name the sources import from it.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { pathToFileURL } from 'node:url'
import { repoRoot } from '../helpers/repo.js'
import { runCli } from '../helpers/run-cli.js'

const srcDir = join(repoRoot, 'src')

function tsFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name)
      return statSync(p).isDirectory() ? tsFiles(p) : name.endsWith('.ts') ? [p] : []
    })
}

/** Command id of a file under src/commands, as oclif's directory scan would name it: profiles/show.ts -> profiles:show. */
function commandId(file: string): string {
  const parts = relative(join(srcDir, 'commands'), file).replace(/\.ts$/, '').split('/')
  if (parts[parts.length - 1] === 'index') parts.pop()
  return parts.join(':')
}

test('COMMANDS lists every file of src/commands under the id oclif would give it', async () => {
  const { COMMANDS } = (await import(pathToFileURL(join(repoRoot, 'dist', 'src', 'cli', 'commands.js')).href)) as {
    COMMANDS: Record<string, { summary?: string }>
  }
  const expected = tsFiles(join(srcDir, 'commands')).map(commandId).sort()
  assert.equal(Object.keys(COMMANDS).sort(), expected)
  for (const [id, cmd] of Object.entries(COMMANDS)) assert.ok(cmd.summary, `${id} has a summary`)
})

test('package.json points oclif at the explicit list and #oclif at the bundle', () => {
  const pjson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'))
  assert.equal(pjson.oclif.commands, { strategy: 'explicit', target: './dist/src/cli/commands.js', identifier: 'COMMANDS' })
  assert.is(pjson.imports['#oclif'].default, './dist/vendor/oclif-core.js')
  assert.ok(existsSync(join(repoRoot, 'dist', 'vendor', 'oclif-core.js')), 'npm run build (or npm ci) makes dist/vendor/oclif-core.js')
})

test('sources import oclif only through #oclif, and the bundle exports every name they use', async () => {
  // bin/run.js loads the bundle dynamically and calls its execute().
  const used = new Set<string>(['execute'])
  for (const file of [...tsFiles(srcDir), join(repoRoot, 'bin', 'run.js')]) {
    const text = readFileSync(file, 'utf8')
    assert.not.match(text, /from '@oclif\/core'/, `${relative(repoRoot, file)} imports '@oclif/core' directly`)
    for (const m of text.matchAll(/import \{([^}]+)\} from '#oclif'/g)) {
      for (const name of m[1]!.split(',')) used.add(name.trim().replace(/^type\s+/, ''))
    }
  }
  assert.ok(used.has('Command') && used.has('Flags'))
  const bundle = (await import(pathToFileURL(join(repoRoot, 'dist', 'vendor', 'oclif-core.js')).href)) as Record<string, unknown>
  for (const name of used) assert.ok(bundle[name] !== undefined, `dist/vendor/oclif-core.js exports ${name}`)
})

test('every command answers --help through the bundled oclif', () => {
  for (const args of [['--help'], ['render', '--help'], ['profiles', 'show', '--help'], ['--version']]) {
    const r = runCli(args)
    assert.is(r.status, 0, `${args.join(' ')}: ${r.stderr}`)
    assert.ok(r.stdout.length > 0, args.join(' '))
  }
  const r = runCli(['--help'])
  for (const id of ['init', 'plan', 'profiles', 'render', 'validate']) assert.match(r.stdout, new RegExp(`^  ${id}\\s`, 'm'))
})

test.run()
