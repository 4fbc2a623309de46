#!/usr/bin/env node
// Writes the validators of schemas/*.json as code (ajv standalone) to dist/generated/schema-validators.cjs, so that
// the CLI neither loads ajv nor compiles the schemas at start-up. Run by `npm run build` after tsc; the CLI checks
// the schemas' digest and compiles at run time instead when this file is missing or out of date.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

const { GENERATED_VALIDATORS, validatorsSource } = await import('../dist/src/validate/schema-compiler.js')
mkdirSync(dirname(GENERATED_VALIDATORS), { recursive: true })
writeFileSync(GENERATED_VALIDATORS, validatorsSource())
