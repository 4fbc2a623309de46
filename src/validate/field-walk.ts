// Which field kind (field-rules.ts) applies where, as trees mirroring the inputs, and the walk that applies them.
// Tree keys: a mapping key; "[]" for every item of a list; "{}" for every value of a map and "{key}" for its keys.
// A key written "X+" (append to a list) uses the rule of "X".
import type { SourceDoc } from '../load/source-doc.js'
import type { Diagnostic, PathSegment } from '../diagnostics/diagnostic.js'
import { diagnosticAt } from '../diagnostics/diagnostic-at.js'
import { checkField, type FieldKind } from './field-rules.js'

export interface RuleTree {
  [key: string]: RuleTree | FieldKind
}

/** Settings as written in profiles (`settings:`) and in per-node `overrides:`. */
export const SETTINGS_RULES: RuleTree = {
  user: { name: 'serviceUser', groups: { '[]': 'groupName' }, shell: 'absPath', home: 'homePath', gecos: 'gecos' },
  limits: { entries: { '[]': { domain: 'limitDomain', value: 'limitValue' } } },
  sysctl: { values: { '{key}': 'sysctlKey', '{}': 'sysctlValue' } },
  storage: { nfs_options: { '[]': 'mountOption' } },
  packages: { install: { '[]': 'debPackage' } },
  docker: { packages: { '[]': 'debPackage' }, data_root: 'absPath', log_max_size: 'size', key_fingerprint: 'pgpFingerprint' },
  python: { version: 'pythonVersion', release: 'pbsRelease', sha256: { '{}': 'sha256' }, base_url: 'url' },
  services: { venvs: { '[]': 'serviceName' } },
  nvidia: {
    driver: { package: 'debPackage' },
    cuda: { package: 'debPackage', key_fingerprint: 'pgpFingerprint' },
    container_toolkit: { key_fingerprint: 'pgpFingerprint' },
    mig: { layout: { '{}': { '[]': 'migProfile' } } },
    dcgm: { exporter_image: 'imageRef' },
    check_image: 'imageOrAuto',
  },
  images: { pull: { '[]': 'imageRef' } },
  expected_durations: { '{key}': 'stepId', '{}': 'stepDuration' },
}

export const PROFILE_RULES: RuleTree = {
  description: 'text',
  extends: { '[]': 'profileName' },
  settings: SETTINGS_RULES,
}

/** `mirrors:` of the inventory and of each node. */
const MIRRORS_RULES: RuleTree = {
  apt: 'url',
  docker_apt: 'url',
  docker_apt_key: 'url',
  cuda_apt: 'url',
  cuda_apt_key: 'url',
  nvidia_toolkit_apt: 'url',
  nvidia_toolkit_apt_key: 'url',
  python: 'url',
  pypi: 'url',
  pypi_trusted_host: 'hostPort',
  registry: 'registry',
  registries: { '{key}': 'registry', '{}': 'registryMirror' },
  docker_hub: { '[]': 'url' },
  ca_certificates: { '[]': 'pemCertificate' },
  proxy: 'url',
  no_proxy: { '[]': 'noProxy' },
}

export const INVENTORY_RULES: RuleTree = {
  cluster: {
    name: 'clusterName',
    domain: 'domain',
    release: 'release',
    locale: 'locale',
    keyboard: 'keyboard',
    timezone: 'timezone',
  },
  network: { subnet: 'subnet', gateway: 'ipv4', dns: { '[]': 'ipv4' }, search: { '[]': 'domain' } },
  storage: {
    server: 'host',
    exports: { '[]': { name: 'exportName', path: 'exportPath', options: { '[]': 'mountOption' } } },
  },
  mirrors: MIRRORS_RULES,
  reporting: { url: 'reportUrl' },
  ssh: { authorized_keys: { '[]': 'sshKey' } },
  password: { hash: 'cryptHash', env: 'envName', file: 'filePath' },
  nodes: {
    '[]': {
      hostname: 'hostname',
      ip: 'ipWithPrefix',
      roles: { '[]': 'profileName' },
      mac: 'mac',
      serial: 'dmiSerial',
      comment: 'text',
      disk: { serial: 'diskMatch', model: 'diskMatch', path: 'diskPath' },
      interface: 'interface',
      overrides: SETTINGS_RULES,
      mirrors: MIRRORS_RULES,
      reporting: { url: 'reportUrl' },
    },
  },
}

/** Applies `rules` to every string in `value` (found at `base` in `doc`); values of other types are the schema's job. */
export function checkFields(doc: SourceDoc, rules: RuleTree, value: unknown = doc.value, base: PathSegment[] = []): Diagnostic[] {
  const out: Diagnostic[] = []
  const report = (kind: FieldKind, v: string, path: PathSegment[], which: 'key' | 'value') => {
    const p = checkField(kind, v)
    if (p) out.push(diagnosticAt(doc, path, p.code, p.message, p.severity ?? 'error', which))
  }
  const walk = (rule: RuleTree | FieldKind | undefined, v: unknown, path: PathSegment[]) => {
    if (rule === undefined) return
    if (typeof rule === 'string') {
      if (typeof v === 'string') report(rule, v, path, 'value')
      return
    }
    if (Array.isArray(v)) {
      v.forEach((item, i) => walk(own(rule, '[]'), item, [...path, i]))
      return
    }
    if (v === null || typeof v !== 'object') return
    for (const [k, child] of Object.entries(v)) {
      const keyRule = own(rule, '{key}')
      if (typeof keyRule === 'string') report(keyRule, k, [...path, k], 'key')
      const named = own(rule, k) ?? (k.endsWith('+') ? own(rule, k.slice(0, -1)) : undefined)
      walk(named ?? own(rule, '{}'), child, [...path, k])
    }
  }
  walk(rules, value, base)
  return out
}

// Input keys such as "constructor" must not pick up Object.prototype members.
function own(tree: RuleTree, key: string): RuleTree | FieldKind | undefined {
  return Object.hasOwn(tree, key) ? tree[key] : undefined
}
