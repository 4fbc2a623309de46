#!/usr/bin/env node
// #oclif is @oclif/core bundled into one file by `npm run build` (scripts/bundle-oclif.mjs), for a fast start.
let oclif
try {
  oclif = await import('#oclif')
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('oclif-core.js')) throw e
  process.stderr.write('bai-seed: dist/vendor/oclif-core.js is missing; run `npm run build` in the package folder\n')
  process.exit(1)
}
// Ctrl-C: exit 130 with a word. Writes are atomic (a staging folder, the manifest renamed last), so an interrupted
// run leaves the previous output as it was; the next run removes what the interrupted one staged. A command that
// handles SIGINT itself (serve stops its server) gets it alone.
process.on('SIGINT', () => {
  if (process.listenerCount('SIGINT') > 1) return
  process.stderr.write('\ninterrupted; the previous output is unchanged\n')
  process.exit(130)
})
await oclif.execute({ dir: import.meta.url })
