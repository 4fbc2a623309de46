// Validators for the exact upstream schemas (read at test time, never copied), by file name: each OS target names
// the subiquity and cloud-init schema its renderings are checked with (targets/os-targets.ts). Where they come from:
//   BAI_SEED_UPSTREAM_SCHEMAS  a folder with subiquity's and cloud-init's published schemas (default ../shared/schemas,
//                              beside the repository); see README "Tests"
//   the installed cloud-init   its own cloud-config schema (apt package cloud-init), when the folder lacks one
// A schema that is found nowhere leaves its validator undefined and names the reason in `missing`; suites then skip
// outside CI and fail in CI (CI=true), see requireMaterial in tools.ts.
// cloud-init's schemas declare draft-04 and carry custom keywords: draft-04 Ajv with strict off, plus formats.
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import AjvModule from 'ajv'
import AjvDraft04Module from 'ajv-draft-04'
import formatsModule from 'ajv-formats'
import type { ValidateFunction } from 'ajv'
import { repoRoot } from './repo.js'

const Ajv = AjvModule.default
const AjvDraft04 = AjvDraft04Module.default
const addFormats = formatsModule.default

/** The folder of upstream schemas: $BAI_SEED_UPSTREAM_SCHEMAS, else ../shared/schemas beside the repository. */
export const upstreamSchemasDir = resolve(process.env.BAI_SEED_UPSTREAM_SCHEMAS || join(repoRoot, '..', 'shared', 'schemas'))

/** The cloud-config schema the installed cloud-init package ships (Debian/Ubuntu path). */
const INSTALLED_CLOUD_CONFIG = '/usr/lib/python3/dist-packages/cloudinit/config/schemas/schema-cloud-config-v1.json'

/** Why a validator is absent, one reason each. */
export const missing: string[] = []

const ajv04 = new AjvDraft04({ strict: false, allErrors: true })
addFormats(ajv04)
const ajv = new Ajv({ strict: false, allErrors: true })
addFormats(ajv)

const compiled = new Map<string, ValidateFunction | undefined>()

/** The validator of an upstream schema file (cloud-init's are draft-04), or undefined with the reason in `missing`. */
export function upstreamValidator(name: string): ValidateFunction | undefined {
  if (compiled.has(name)) return compiled.get(name)
  const cloudConfig = name.startsWith('cloud-init-cloud-config')
  const candidates = [join(upstreamSchemasDir, name), ...(cloudConfig ? [INSTALLED_CLOUD_CONFIG] : [])]
  const found = candidates.find((f) => existsSync(f))
  let fn: ValidateFunction | undefined
  if (found) fn = (cloudConfig ? ajv04 : ajv).compile(JSON.parse(readFileSync(found, 'utf8')) as object)
  else missing.push(`${name}: none of ${candidates.join(', ')} exists (set BAI_SEED_UPSTREAM_SCHEMAS, see README "Tests")`)
  compiled.set(name, fn)
  return fn
}

export const validateCloudConfig = upstreamValidator('cloud-init-cloud-config-22.4.json')
export const validateAutoinstall = upstreamValidator('subiquity-autoinstall-focal.json')
export const validateNetworkConfig = upstreamValidator('cloud-init-network-config-v2-latest.json')
