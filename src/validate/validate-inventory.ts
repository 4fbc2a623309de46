// The cluster inventory: schema, field rules, and the checks that look at several values at once (duplicates, the
// subnet, roles, storage, login). Every check reports every problem; values of the wrong type are skipped here
// because the schema already reports them.
import { existsSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { SourceDoc } from '../load/source-doc.js'
import { closest } from './did-you-mean.js'
import { formatPath, sortDiagnostics, type Diagnostic, type PathSegment } from '../diagnostics/diagnostic.js'
import { diagnosticAt } from '../diagnostics/diagnostic-at.js'
import { checkFields, INVENTORY_RULES } from './field-walk.js'
import { broadcastOf, contains, formatIPv4, networkOf, parseCidr, parseIPv4, type Cidr } from './ipv4.js'
import { M } from '../diagnostics/messages.js'
import { validateInventorySchema } from './schema-validator.js'
import { checkSettingsPatch } from './settings-checks.js'
import { checkField } from './field-rules.js'
import { fqdnOf } from '../model/fqdn.js'

export interface InventoryCheckOptions {
  /** Where to look for password.file; default: the file system. */
  fileExists?: (path: string) => boolean
  /** Environment for password.env; default: process.env. */
  env?: Record<string, string | undefined>
  /** The permission bits of password.file, undefined when it cannot be read; default: the file system. */
  fileMode?: (path: string) => number | undefined
}

type Rec = Record<string, unknown>

const isRecord = (v: unknown): v is Rec => v !== null && typeof v === 'object' && !Array.isArray(v)
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)

export function validateInventory(doc: SourceDoc, knownRoles: ReadonlySet<string>, opts: InventoryCheckOptions = {}): Diagnostic[] {
  const out: Diagnostic[] = [...validateInventorySchema(doc), ...checkFields(doc, INVENTORY_RULES)]
  // Not a mapping at all (empty file, a list): the schema's one error says it; anything more would be noise.
  if (!isRecord(doc.value)) return sortDiagnostics(out)
  const inv = doc.value
  const nodes = Array.isArray(inv.nodes) ? inv.nodes : []
  checkDuplicates(doc, nodes, out)
  checkAddresses(doc, inv, nodes, out)
  checkNodes(doc, inv, nodes, knownRoles, out)
  checkStorage(doc, inv, nodes, out)
  checkLogin(doc, inv, opts, out)
  return sortDiagnostics(out)
}

/** Duplicate host names (case-insensitive), addresses (without prefix), MACs and serials: reported at the later node. */
function checkDuplicates(doc: SourceDoc, nodes: unknown[], out: Diagnostic[]): void {
  const fields: [string, (v: string) => string | undefined, string, (shown: string, first: string, line: number) => string][] = [
    ['hostname', (v) => v.toLowerCase(), 'DUPLICATE_HOSTNAME', M.duplicateHostname],
    ['ip', (v) => (parseCidr(v) ? formatIPv4(parseCidr(v)!.addr) : undefined), 'DUPLICATE_IP', M.duplicateIp],
    ['mac', (v) => v.toLowerCase(), 'DUPLICATE_MAC', M.duplicateMac],
    ['serial', (v) => v, 'DUPLICATE_SERIAL', M.duplicateSerial],
  ]
  for (const [field, norm, code, message] of fields) {
    const seen = new Map<string, number>()
    nodes.forEach((n, i) => {
      const v = isRecord(n) ? str(n[field]) : undefined
      const k = v === undefined ? undefined : norm(v)
      if (k === undefined) return
      const first = seen.get(k)
      if (first === undefined) {
        seen.set(k, i)
        return
      }
      const firstPath = ['nodes', first, field]
      const shown = field === 'ip' ? k : v!
      out.push(
        diagnosticAt(doc, ['nodes', i, field], code, message(shown, formatPath(['nodes', first]), doc.locate(firstPath).line)),
      )
    })
  }
}

function checkAddresses(doc: SourceDoc, inv: Rec, nodes: unknown[], out: Diagnostic[]): void {
  const network = isRecord(inv.network) ? inv.network : {}
  const subnetText = str(network.subnet)
  const subnet = subnetText === undefined ? undefined : parseCidr(subnetText)
  // A subnet with host bits set is reported by its field rule; checks below use its network.
  if (!subnet || !subnetText) return
  const net: Cidr = { addr: networkOf(subnet), prefix: subnet.prefix }
  const shownNet = `${formatIPv4(net.addr)}/${net.prefix}`
  const gwText = str(network.gateway)
  const gw = gwText === undefined ? undefined : parseIPv4(gwText)
  if (gw !== undefined) {
    const path = ['network', 'gateway']
    if (!contains(net, gw)) out.push(diagnosticAt(doc, path, 'GATEWAY_OUTSIDE_SUBNET', M.gatewayOutsideSubnet(gwText!, shownNet)))
    else reserved(doc, net, gw, path, out)
  }
  nodes.forEach((n, i) => {
    const ipText = isRecord(n) ? str(n.ip) : undefined
    const ip = ipText === undefined ? undefined : parseCidr(ipText)
    if (!ip) return
    const path = ['nodes', i, 'ip']
    const addr = formatIPv4(ip.addr)
    if (!contains(net, ip.addr)) {
      out.push(diagnosticAt(doc, path, 'IP_OUTSIDE_SUBNET', M.ipOutsideSubnet(addr, shownNet)))
      return
    }
    if (ip.prefix !== net.prefix) out.push(diagnosticAt(doc, path, 'PREFIX_MISMATCH', M.prefixMismatch(ip.prefix, shownNet)))
    reserved(doc, net, ip.addr, path, out)
    if (gw !== undefined && ip.addr === gw) out.push(diagnosticAt(doc, path, 'IP_IS_GATEWAY', M.ipIsGateway(addr)))
  })
}

// The network and broadcast addresses of subnets up to /30 cannot be hosts (a /31 or /32 has no such addresses).
function reserved(doc: SourceDoc, net: Cidr, addr: number, path: PathSegment[], out: Diagnostic[]): void {
  if (net.prefix > 30) return
  const shown = formatIPv4(addr)
  if (addr === networkOf(net)) out.push(diagnosticAt(doc, path, 'IP_RESERVED', M.ipIsNetwork(shown)))
  else if (addr === broadcastOf(net)) out.push(diagnosticAt(doc, path, 'IP_RESERVED', M.ipIsBroadcast(shown)))
}

function checkNodes(doc: SourceDoc, inv: Rec, nodes: unknown[], knownRoles: ReadonlySet<string>, out: Diagnostic[]): void {
  const known = [...knownRoles].sort()
  const domain = isRecord(inv.cluster) ? str(inv.cluster.domain) : undefined
  nodes.forEach((n, i) => {
    if (!isRecord(n)) return
    const hostname = str(n.hostname)
    if (hostname !== undefined && domain !== undefined && hostname.length + 1 + domain.length > 253) {
      out.push(diagnosticAt(doc, ['nodes', i, 'hostname'], 'BAD_HOSTNAME', M.fqdnTooLong(fqdnOf(hostname, domain))))
    }
    if (Array.isArray(n.roles)) {
      const seen = new Set<string>()
      n.roles.forEach((r, j) => {
        if (typeof r !== 'string') return
        const path = ['nodes', i, 'roles', j]
        if (!knownRoles.has(r)) out.push(diagnosticAt(doc, path, 'UNKNOWN_ROLE', M.unknownRole(r, closest(r, known), known)))
        else if (seen.has(r)) out.push(diagnosticAt(doc, path, 'DUPLICATE_ROLE', M.duplicateRole(r), 'warning'))
        seen.add(r)
      })
    }
    out.push(...checkSettingsPatch(doc, n.overrides, ['nodes', i, 'overrides']))
  })
}

function checkStorage(doc: SourceDoc, inv: Rec, nodes: unknown[], out: Diagnostic[]): void {
  const storage = inv.storage
  if (!isRecord(storage)) return
  if (storage.type === 'nfs') {
    if (storage.server === undefined) out.push(diagnosticAt(doc, ['storage'], 'NFS_INCOMPLETE', M.nfsNoServer, 'error', 'key'))
    else checkStorageServer(doc, inv, nodes, out)
    if (storage.exports === undefined || (Array.isArray(storage.exports) && storage.exports.length === 0)) {
      const path = storage.exports === undefined ? ['storage'] : ['storage', 'exports']
      out.push(diagnosticAt(doc, path, 'NFS_INCOMPLETE', M.nfsNoExports, 'error', storage.exports === undefined ? 'key' : 'value'))
    }
  } else if (storage.type === 'local') {
    for (const key of ['server', 'exports']) {
      if (storage[key] !== undefined) out.push(diagnosticAt(doc, ['storage', key], 'STORAGE_IGNORED', M.storageIgnored(key), 'warning', 'key'))
    }
  }
  if (Array.isArray(storage.exports)) {
    const seen = new Map<string, number>()
    storage.exports.forEach((e, i) => {
      const name = isRecord(e) ? str(e.name) : undefined
      if (name === undefined) return
      const first = seen.get(name)
      if (first === undefined) {
        seen.set(name, i)
        return
      }
      const line = doc.locate(['storage', 'exports', first, 'name']).line
      out.push(
        diagnosticAt(doc, ['storage', 'exports', i, 'name'], 'DUPLICATE_EXPORT', M.duplicateExport(name, formatPath(['storage', 'exports', first]), line)),
      )
    })
  }
}

/**
 * storage.server is an IPv4 address, a node (host name or full name), or the DNS name of a server outside the
 * cluster's domain. A single-label name or a name in the cluster's domain that is no node is a slip (lab1-st2 for
 * lab1-st1): fstab would point at a host that does not exist, and the real server node would lose its nfs-server step.
 */
function checkStorageServer(doc: SourceDoc, inv: Rec, nodes: unknown[], out: Diagnostic[]): void {
  const server = str((inv.storage as Rec).server)
  // A malformed value is its field rule's error.
  if (server === undefined || checkField('host', server) !== undefined || parseIPv4(server) !== undefined) return
  const domain = isRecord(inv.cluster) ? str(inv.cluster.domain) : undefined
  const inDomain = domain !== undefined && server.toLowerCase().endsWith(`.${domain.toLowerCase()}`)
  if (server.includes('.') && !inDomain) return
  const name = inDomain ? server.slice(0, -domain!.length - 1) : server
  const hostnames = nodes.map((n) => (isRecord(n) ? str(n.hostname) : undefined)).filter((h): h is string => h !== undefined)
  if (hostnames.includes(name)) return
  const suggest = closest(name, hostnames)
  const shown = suggest === undefined ? undefined : inDomain ? `${suggest}.${domain}` : suggest
  out.push(diagnosticAt(doc, ['storage', 'server'], 'STORAGE_SERVER_UNKNOWN', M.storageServerUnknown(server, shown)))
}

function fileModeOf(path: string): number | undefined {
  try {
    return statSync(path).mode & 0o777
  } catch {
    return undefined
  }
}

function checkLogin(doc: SourceDoc, inv: Rec, opts: InventoryCheckOptions, out: Diagnostic[]): void {
  const password = isRecord(inv.password) ? inv.password : undefined
  const file = password ? str(password.file) : undefined
  if (file !== undefined && file !== '') {
    const resolved = resolve(dirname(doc.file), file)
    const exists = opts.fileExists ?? existsSync
    // A warning, like an unset variable: `plan` and `validate` need no secret; `render` fails when it reads it.
    if (!exists(resolved)) out.push(diagnosticAt(doc, ['password', 'file'], 'PASSWORD_FILE_MISSING', M.passwordFileMissing(resolved), 'warning'))
    else {
      const mode = (opts.fileMode ?? fileModeOf)(resolved)
      if (mode !== undefined && (mode & 0o077) !== 0) {
        const shown = `0${mode.toString(8).padStart(3, '0')}`
        out.push(diagnosticAt(doc, ['password', 'file'], 'PASSWORD_FILE_MODE', M.passwordFileMode(resolved, shown), 'warning'))
      }
    }
  }
  const env = password ? str(password.env) : undefined
  if (env !== undefined && /^[A-Za-z_][A-Za-z0-9_]*$/.test(env) && (opts.env ?? process.env)[env] === undefined) {
    out.push(diagnosticAt(doc, ['password', 'env'], 'PASSWORD_ENV_UNSET', M.passwordEnvUnset(env), 'warning'))
  }
  const ssh = isRecord(inv.ssh) ? inv.ssh : {}
  const keys = Array.isArray(ssh.authorized_keys) ? ssh.authorized_keys : []
  if (keys.length === 0 && !password) {
    out.push(diagnosticAt(doc, inv.ssh === undefined ? [] : ['ssh'], 'NO_LOGIN', M.noLogin, 'warning', 'key'))
  }
  if (ssh.allow_password === true && !password) {
    out.push(diagnosticAt(doc, ['ssh', 'allow_password'], 'PASSWORD_LOGIN_WITHOUT_PASSWORD', M.passwordLoginWithoutPassword, 'warning'))
  }
}
