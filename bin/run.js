#!/usr/bin/env node
// #oclif is @oclif/core bundled into one file (scripts/bundle-oclif.mjs), for a fast start.
import { execute } from '#oclif'

await execute({ dir: import.meta.url })
