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
await oclif.execute({ dir: import.meta.url })
