// Turns a resolved node into its plan: the node-wide facts the renderers need, and the ordered steps that apply.
import type { Inventory } from '../model/inventory.js'
import type { NodePlan, PlanMirrors, TargetPlan } from '../model/plan.js'
import { fqdnOf } from '../model/fqdn.js'
import type { ResolvedNode } from '../model/resolved.js'
import { DEFAULT_STEP_EXPECT, type ClusterFacts, type PlanContext, type StepDef } from './step-def.js'
import { durationSeconds } from '../model/step-duration.js'
import { STEP_ORDER } from './step-order.js'
import { passwordHash } from './password.js'
import { stepFunctionName } from '../model/shared-names.js'
import { DEFAULT_TARGET } from '../targets/os-targets.js'
import { nodeMirrors } from './node-mirrors.js'
import { stepDigest } from './step-digest.js'
import { offlinePlan } from './offline-plan.js'

export interface PlanOptions {
  /** Power the machine off when a provisioning run ends (image builds, tests). */
  powerOffWhenDone: boolean
  /** Plaintext password read at render time (never written anywhere), or null. */
  plaintextPassword: string | null
  cluster: ClusterFacts
}

export function buildPlan(inventory: Inventory, resolved: ResolvedNode, options: PlanOptions): NodePlan {
  const { node, settings } = resolved
  const [ip, prefix] = node.ip.split('/') as [string, string]
  const u = settings.user
  const hash = passwordHash(inventory.password, options.plaintextPassword, inventory.cluster.name, node.hostname, u.name)
  const domain = inventory.cluster.domain
  const target: TargetPlan = node.os
    ? { id: node.os, from: `nodes[${resolved.index}].os`, arch: 'amd64' }
    : inventory.cluster.os
      ? { id: inventory.cluster.os, from: 'cluster.os', arch: 'amd64' }
      : { id: DEFAULT_TARGET, from: 'default', arch: 'amd64' }
  const merged = nodeMirrors(inventory, node)
  const mirrors: PlanMirrors = {
    ...merged,
    no_proxy: merged.no_proxy ?? ['localhost', '127.0.0.1'],
    ca_certificates: (merged.ca_certificates ?? []).map((pem) => (pem.endsWith('\n') ? pem : `${pem}\n`)),
  }
  const plan: Omit<NodePlan, 'steps'> = {
    hostname: node.hostname,
    target,
    fqdn: fqdnOf(node.hostname, domain),
    cluster: inventory.cluster.name,
    release: inventory.cluster.release,
    locale: inventory.cluster.locale,
    keyboard: inventory.cluster.keyboard,
    timezone: inventory.cluster.timezone,
    address: {
      ip,
      prefix: Number(prefix),
      gateway: inventory.network.gateway,
      dns: inventory.network.dns,
      search: inventory.network.search,
      mac: node.mac ? node.mac.toLowerCase() : null,
      interface: node.interface ?? null,
    },
    ...(node.serial === undefined ? {} : { serial: node.serial }),
    user: {
      name: u.name,
      uid: u.uid,
      gid: u.gid,
      // The docker step puts the account in group docker: listed here too, so that the user step (which makes the
      // groups exactly these) never takes it away again on a later run.
      groups: settings.docker.enabled && !u.groups.includes('docker') ? [...u.groups, 'docker'] : u.groups,
      home: u.home,
      shell: u.shell,
      gecos: u.gecos,
      passwordHash: hash,
      authorizedKeys: inventory.ssh.authorized_keys,
      sudoNopasswd: hash === null,
    },
    sshAllowPassword: inventory.ssh.allow_password,
    mirrors,
    disk: node.disk ?? { size: 'largest' },
    rootLv: node.root_lv ?? 'all',
    powerOffWhenDone: options.powerOffWhenDone,
    offline: offlinePlan(inventory),
  }
  // Only when configured: without `reporting` the plan (and every file rendered from it) is as it was.
  if (node.reporting) plan.reporting = { url: node.reporting.url, from: `nodes[${resolved.index}].reporting` }
  else if (inventory.reporting) plan.reporting = { url: inventory.reporting.url, from: 'reporting' }
  const ctx: PlanContext = { inventory, resolved, settings, node, plan, cluster: options.cluster }
  const steps = STEP_ORDER.filter((def) => def.applies(ctx)).map((def) => {
    const vars = def.vars(ctx) as Record<string, unknown>
    return {
      id: def.id,
      title: def.title,
      network: def.network,
      rootable: def.rootable,
      template: def.template,
      fn: stepFunctionName(def.id),
      vars,
      digest: stepDigest(def.id, vars),
      notes: def.notes?.(ctx) ?? [],
      settings: def.settings,
      fetches: def.fetches?.(ctx) ?? [],
      resolved: def.resolves?.(ctx, vars as never) ?? {},
      ignored: def.ignores?.(ctx) ?? {},
      expect: stepExpect(def, ctx),
    }
  })
  return { ...plan, steps }
}

/** Seconds the step may take: the profile's `expected_durations` entry for it, else the step's own, else the default. */
function stepExpect(def: StepDef<object>, ctx: PlanContext): number {
  const set = Object.hasOwn(ctx.settings.expected_durations, def.id) ? durationSeconds(ctx.settings.expected_durations[def.id]!) : undefined
  return set ?? def.expect?.(ctx) ?? DEFAULT_STEP_EXPECT
}
