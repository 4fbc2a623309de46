// The settings' shape is stated by schemas/profile.schema.json. This test ties the rest to it: the TypeScript type
// (the key lists below do not compile unless they name exactly the type's keys), profiles/base.yaml (which must set
// every field, since every node starts from it), the field rules (every free string field has one), and the
// completeness check that replaces the cast of merged settings.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { load } from 'js-yaml'
import { repoRoot } from '../helpers/repo.js'
import type {
  DockerSettings, HostsSettings, ImagesSettings, LimitEntry, LimitsSettings, NvidiaSettings, PackagesSettings,
  PythonSettings, ServicesSettings, Settings, StorageSettings, SysctlSettings, UserSettings,
} from '../../src/model/settings.js'
import { SETTINGS_RULES, type RuleTree } from '../../src/validate/field-walk.js'
import { isFieldRecord, missingSettings } from '../../src/validate/settings-complete.js'

type Exact<T, K extends readonly PropertyKey[]> = [Exclude<keyof T, K[number]>] extends [never] ? K : { missing: Exclude<keyof T, K[number]> }
/** The keys of T, checked by the compiler: a key left out or one too many does not compile. */
const keysOf = <T>() => <const K extends readonly (keyof T)[]>(keys: Exact<T, K>): readonly string[] => keys as unknown as string[]

const TYPE_KEYS: Record<string, readonly string[]> = {
  '': keysOf<Settings>()(['user', 'limits', 'sysctl', 'hosts', 'storage', 'packages', 'docker', 'python', 'services', 'nvidia', 'images', 'expected_durations']),
  user: keysOf<UserSettings>()(['enabled', 'name', 'uid', 'gid', 'groups', 'shell', 'home', 'gecos']),
  limits: keysOf<LimitsSettings>()(['enabled', 'entries']),
  'limits.entries[]': keysOf<LimitEntry>()(['domain', 'type', 'item', 'value']),
  sysctl: keysOf<SysctlSettings>()(['enabled', 'values']),
  hosts: keysOf<HostsSettings>()(['enabled', 'scope']),
  storage: keysOf<StorageSettings>()(['enabled', 'local', 'nfs_options', 'nfs_server']),
  packages: keysOf<PackagesSettings>()(['install']),
  docker: keysOf<DockerSettings>()(['enabled', 'packages', 'data_root', 'log_max_size', 'log_max_file', 'key_fingerprint']),
  python: keysOf<PythonSettings>()(['enabled', 'method', 'version', 'release', 'sha256', 'base_url']),
  services: keysOf<ServicesSettings>()(['venvs']),
  nvidia: keysOf<NvidiaSettings>()([
    'enabled', 'driver', 'cuda', 'container_toolkit', 'reboot', 'fabric_manager', 'persistence', 'gpus', 'mig', 'dcgm', 'rdma', 'check_image',
  ]),
  'nvidia.driver': keysOf<NvidiaSettings['driver']>()(['method', 'package', 'dkms']),
  'nvidia.mig': keysOf<NvidiaSettings['mig']>()(['enabled', 'layout']),
  'nvidia.dcgm': keysOf<NvidiaSettings['dcgm']>()(['enabled', 'exporter_image']),
  'nvidia.cuda': keysOf<NvidiaSettings['cuda']>()(['enabled', 'package', 'key_fingerprint']),
  'nvidia.container_toolkit': keysOf<NvidiaSettings['container_toolkit']>()(['enabled', 'key_fingerprint']),
  images: keysOf<ImagesSettings>()(['enabled', 'pull', 'parallel', 'retries']),
}

type Schema = Record<string, any>
const schema = JSON.parse(readFileSync(join(repoRoot, 'schemas', 'profile.schema.json'), 'utf8')) as Schema
const deref = (s: Schema): Schema => (s.$ref ? schema.definitions[s.$ref.replace('#/definitions/', '')] : s)

/** Object schemas with declared properties, by dotted path ('' for the settings root, 'x[]' for list items). */
function schemaObjects(): Map<string, Schema> {
  const out = new Map<string, Schema>()
  const walk = (s: Schema, path: string): void => {
    s = deref(s)
    if (s.type === 'array' && s.items) return walk(s.items, `${path}[]`)
    // Records of fields; list items with declared properties too (limits entries). Not maps with optional keys.
    if (!isFieldRecord(s) && !(path.endsWith('[]') && s.type === 'object' && s.properties)) return
    out.set(path, s)
    for (const [k, sub] of Object.entries(s.properties as Record<string, Schema>)) {
      if (!k.endsWith('+')) walk(sub, path ? `${path}.${k}` : k)
    }
  }
  walk(schema.definitions.settingsPatch, '')
  return out
}

const fields = (s: Schema): string[] => Object.keys(s.properties).filter((k) => !k.endsWith('+')).sort()

test('the TypeScript Settings type has exactly the fields of the schema', () => {
  const objects = schemaObjects()
  assert.equal([...objects.keys()].sort(), Object.keys(TYPE_KEYS).sort(), 'the same objects')
  for (const [path, s] of objects) assert.equal([...TYPE_KEYS[path]!].sort(), fields(s), path || 'settings')
})

test('profiles/base.yaml sets every field of the schema, and nothing else', () => {
  const base = (load(readFileSync(join(repoRoot, 'profiles', 'base.yaml'), 'utf8')) as { settings: Record<string, any> }).settings
  assert.equal(missingSettings(base), [])
  for (const [path, s] of schemaObjects()) {
    if (path.includes('[]')) continue
    const value = path ? path.split('.').reduce((v, k) => v[k], base) : base
    assert.equal(Object.keys(value).sort(), fields(s), path || 'settings')
  }
})

test('every free string field of the schema has a field rule, and every rule a field', () => {
  const unruled: string[] = []
  const stray: string[] = []
  const walk = (s: Schema, rules: RuleTree | string | undefined, path: string): void => {
    s = deref(s)
    const types = ([] as string[]).concat(s.type ?? [])
    if (types.includes('string') && !s.enum && rules === undefined) unruled.push(path)
    if (s.type === 'array' && s.items) return walk(s.items, typeof rules === 'object' ? rules['[]'] : undefined, `${path}[]`)
    if (s.type !== 'object') return
    if (s.properties) {
      for (const [k, sub] of Object.entries(s.properties as Record<string, Schema>)) {
        // As checkFields applies them: a named rule, else the rule of every value ("{}").
        if (!k.endsWith('+')) walk(sub, typeof rules === 'object' ? (rules[k] ?? rules['{}']) : undefined, path ? `${path}.${k}` : k)
      }
      if (typeof rules === 'object') for (const k of Object.keys(rules)) if (!(k in s.properties) && k !== '{}') stray.push(`${path}.${k}`)
    } else if (s.additionalProperties && typeof s.additionalProperties === 'object') {
      walk(s.additionalProperties, typeof rules === 'object' ? rules['{}'] : undefined, `${path}.{}`)
    }
  }
  walk(schema.definitions.settingsPatch, SETTINGS_RULES, '')
  // Enum-valued strings (methods, limit types) are the schema's alone.
  assert.equal(unruled.filter((p) => p !== 'limits.entries[].item'), [], 'string fields without a rule')
  assert.equal(stray, [], 'rules without a field')
})

test('merged settings that leave a field unset are reported, not cast', () => {
  const base = (load(readFileSync(join(repoRoot, 'profiles', 'base.yaml'), 'utf8')) as { settings: Record<string, any> }).settings
  delete base.docker.log_max_file
  delete base.nvidia.cuda
  delete base.hosts
  assert.equal(missingSettings(base), ['hosts', 'docker.log_max_file', 'nvidia.cuda'])
})

test.run()
