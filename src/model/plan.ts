// The plan: pure data, one ordered list of steps per node. It is the single source of truth that every renderer
// (autoinstall, cloud-config, provision script) turns into files.
import type { Architecture, TargetId } from '../targets/os-targets.js'

import type { Mirrors } from './inventory.js'

/** The cluster's mirrors with the node's own on top; no_proxy defaulted, each CA certificate (PEM) ending in a line feed. */
export type PlanMirrors = Mirrors & { no_proxy: string[]; ca_certificates: string[] }

export interface Step<V extends object = Record<string, unknown>> {
  /** Stable id, also the state key in status.json, e.g. 'sysctl'. */
  id: string
  title: string
  /** Needs the network (downloads, apt). Steps without network run first. */
  network: boolean
  /** Can run against a scratch root folder (`provision.sh --root DIR`): only writes files. */
  rootable: boolean
  /** Template (from the step's declaration) that holds the body of its shell function. */
  template: string
  /** Name of the shell function in provision.sh. */
  fn: string
  /** Values the step's template uses, as its declaration types them; every one is shell-quoted by the template. */
  vars: V
  /** Digest of id + vars: a done step whose digest changed runs again (provision.sh records it per step). */
  digest: string
  /** What the operator should know about this step here (shown by `plan`, printed by `render`). */
  notes: string[]
  /** Dotted settings paths this step reads (for `bai-seed plan`, which shows where each came from). */
  settings: string[]
  /** What the step downloads, as people read it (`bai-seed plan`): URLs, apt repositories, image pulls. */
  fetches: string[]
  /** `auto` settings the step reads -> the value it uses (one of its vars). */
  resolved: Record<string, string | number | boolean>
  /** Settings the step reads but does not use here -> why. */
  ignored: Record<string, string>
  /** Seconds the step is expected to take at most: past it, a silent node is `stalled` (bai-seed status). */
  expect: number
}

export interface UserPlan {
  name: string
  uid: number
  gid: number
  groups: string[]
  home: string
  shell: string
  gecos: string
  /** SHA-512 crypt hash, or null for a locked password. */
  passwordHash: string | null
  authorizedKeys: string[]
  /** Give passwordless sudo when the password is locked (otherwise sudo group membership is unusable). */
  sudoNopasswd: boolean
}

export interface AddressPlan {
  ip: string
  prefix: number
  gateway: string
  dns: string[]
  search: string[]
  mac: string | null
  interface: string | null
}

/** The OS release and architecture a node is rendered for; its facts are in the registry (targets/os-targets.ts). */
export interface TargetPlan {
  id: TargetId
  /** Where the choice came from: `nodes[<i>].os`, `cluster.os`, or `default`. */
  from: string
  arch: Architecture
}

/** Where the node's payload is and how it is trusted (`offline:`), when the site is air-gapped. */
export interface OfflinePlan {
  delivery: 'volume' | 'url'
  /** Volume label (volume) or base URL (url). */
  source: string
  manifestSha256: string
  signer: string
}

export interface NodePlan {
  hostname: string
  target: TargetPlan
  fqdn: string
  cluster: string
  release: string
  locale: string
  keyboard: string
  timezone: string
  address: AddressPlan
  /** The machine's DMI system serial number, when the inventory gives one (installer ISO node selection). */
  serial?: string
  user: UserPlan
  sshAllowPassword: boolean
  /** Where the node downloads from (apt mirror, proxy, no-proxy, CA certificates, registries, ...), each fact once. */
  mirrors: PlanMirrors
  disk: Record<string, string>
  /** Root LV size after an autoinstall: 'all' or a size such as 200G. */
  rootLv: string
  powerOffWhenDone: boolean
  /** The sealed payload every network step takes its files from, or null (the network and mirrors). */
  offline: OfflinePlan | null
  /**
   * Where this node reports its stages (`reporting.url` of the node, else the cluster's), or absent: no reporting.
   * The node's token is not part of the plan; renderers get it with the render (RenderSecrets).
   */
  reporting?: { url: string; from: string }
  steps: Step[]
}
