// Validators for the exact upstream schemas in ../shared/schemas (read at test time, never copied).
// cloud-init's schemas declare draft-04 and carry custom keywords: draft-04 Ajv with strict off, plus formats.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import AjvModule from 'ajv'
import AjvDraft04Module from 'ajv-draft-04'
import formatsModule from 'ajv-formats'
import { schemasDir } from './repo.js'

const Ajv = AjvModule.default
const AjvDraft04 = AjvDraft04Module.default
const addFormats = formatsModule.default

const schema = (name: string): object => JSON.parse(readFileSync(join(schemasDir, name), 'utf8'))

const ajv04 = new AjvDraft04({ strict: false, allErrors: true })
addFormats(ajv04)
const ajv = new Ajv({ strict: false, allErrors: true })
addFormats(ajv)

export const validateCloudConfig = ajv04.compile(schema('cloud-init-cloud-config-22.4.json'))
export const validateAutoinstall = ajv.compile(schema('subiquity-autoinstall-focal.json'))
export const validateNetworkConfig = ajv.compile(schema('cloud-init-network-config-v2-latest.json'))
