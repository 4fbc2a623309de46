// Validators for the exact upstream schemas in ../shared/schemas (read at test time, never copied), by file name:
// each OS target names the subiquity and cloud-init schema its renderings are checked with (targets/os-targets.ts).
// cloud-init's schemas declare draft-04 and carry custom keywords: draft-04 Ajv with strict off, plus formats.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import AjvModule from 'ajv'
import AjvDraft04Module from 'ajv-draft-04'
import formatsModule from 'ajv-formats'
import type { ValidateFunction } from 'ajv'
import { schemasDir } from './repo.js'

const Ajv = AjvModule.default
const AjvDraft04 = AjvDraft04Module.default
const addFormats = formatsModule.default

const schema = (name: string): object => JSON.parse(readFileSync(join(schemasDir, name), 'utf8'))

const ajv04 = new AjvDraft04({ strict: false, allErrors: true })
addFormats(ajv04)
const ajv = new Ajv({ strict: false, allErrors: true })
addFormats(ajv)

const compiled = new Map<string, ValidateFunction>()

/** The validator of an upstream schema file: cloud-init's (draft-04) or subiquity's. */
export function upstreamValidator(name: string): ValidateFunction {
  let fn = compiled.get(name)
  if (!fn) {
    fn = (name.startsWith('cloud-init-cloud-config') ? ajv04 : ajv).compile(schema(name))
    compiled.set(name, fn)
  }
  return fn
}

export const validateCloudConfig = upstreamValidator('cloud-init-cloud-config-22.4.json')
export const validateAutoinstall = upstreamValidator('subiquity-autoinstall-focal.json')
export const validateNetworkConfig = upstreamValidator('cloud-init-network-config-v2-latest.json')
