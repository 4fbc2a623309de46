// The shell/YAML safety policy and the format of every string value, as one table of field kinds.
//
// Two layers per kind:
// 1. characters: every character outside the kind's safe set is UNSAFE_CHARS. The sets hold letters, digits, "._-"
//    and only the punctuation the kind needs; never quotes, "$", backticks, ";", "&", "|", "<>", "()", "{}", "[]",
//    "#", "\", "!", "*"/"?" (except disk globs), whitespace (except where a kind needs a space) or non-ASCII. Free-text
//    kinds (comments, descriptions, gecos) may hold any printable character, because the renderers quote them, but
//    never control characters or line breaks.
// 2. format: the kind's grammar (RFC 1123 host names, Docker image references, Debian package names, ...), with its
//    own code.
import { KNOWN_RELEASES_HINT, releaseLine } from '../model/releases.js'
import { cryptHashProblem } from './crypt-hash.js'
import type { Severity } from '../diagnostics/diagnostic.js'
import { imageRefProblem } from './image-ref.js'
import { networkOf, formatIPv4, parseCidr, parseIPv4 } from './ipv4.js'
import { M } from '../diagnostics/messages.js'
import { sshKeyProblem } from './ssh-key.js'
import { closest } from './did-you-mean.js'
import { knownNames, type KnownList } from './known-names.js'
import { timezoneAliases } from './timezone-aliases.js'
import { isPrivateKey } from './ssh-key.js'
import { RESERVED_HOSTNAMES } from '../model/output-layout.js'
import { SHARED_PATHS } from '../model/shared-names.js'
import { durationSeconds, formatDuration, MAX_STEP_SECONDS } from '../model/step-duration.js'
import { STEP_ORDER } from '../plan/step-order.js'

export interface Problem {
  code: string
  message: string
  severity?: Severity
}

export interface FieldRule {
  /** What the value is, for messages: "host name". */
  what: string
  /** One allowed character; undefined for free text (anything printable). */
  chars?: RegExp
  /** The allowed characters in words, for the UNSAFE_CHARS message. */
  charsText?: string
  /** Characters refused in free text besides control characters. */
  textForbidden?: RegExp
  /** Line feeds are allowed (PEM blocks); other control characters are not. */
  multiline?: boolean
  /** The format check, run when every character is allowed. */
  check?: (v: string) => Problem | undefined
  /** The longest value allowed, in characters (default: MAX_FIELD_CHARS, MAX_MULTILINE_CHARS for multi-line kinds). */
  maxLength?: number
  /** Runs before the character checks: a problem that explains the characters better (a pasted private key). */
  precheck?: (v: string) => Problem | undefined
}

/**
 * Length caps: every value ends up in a file line (a comment in /etc/hosts, a gecos in /etc/passwd, a package name
 * on an apt line), so no value may be megabytes long. Free text is capped lower than the grammars' values.
 */
export const MAX_FIELD_CHARS = 4096
export const MAX_MULTILINE_CHARS = 64 * 1024
export const MAX_TEXT_CHARS = 1024
export const MAX_GECOS_CHARS = 256

const WORD = 'letters, digits, ".", "_", "-"'
const safe = (extra: string) => new RegExp(`^[A-Za-z0-9._\\-${extra}]$`)
const base = safe('')

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/

function when(ok: (v: string) => boolean, code: string, message: string): (v: string) => Problem | undefined {
  return (v) => (ok(v) ? undefined : { code, message })
}

/** A well-formed value that must also be on a known list (time zones, locales, keyboard layouts). */
function onList(v: string, list: KnownList, code: string, message: (v: string, suggest: string | undefined) => string): Problem | undefined {
  const known = knownNames(list)
  return known.has(v) ? undefined : { code, message: message(v, closest(v, known)) }
}

/** A zone on tzdata's list; an abbreviation or alias (KST) names the zones it means before any spelling guess. */
function timezoneCheck(v: string): Problem | undefined {
  const known = knownNames('timezones')
  if (known.has(v)) return undefined
  const zones = timezoneAliases(v, known)
  if (zones.length) return { code: 'UNKNOWN_TIMEZONE', message: M.timezoneAlias(v, zones) }
  return { code: 'UNKNOWN_TIMEZONE', message: M.unknownTimezone(v, closest(v, known)) }
}

/**
 * Serial numbers that firmware vendors leave in place of a real one (many machines share them), compared
 * case-insensitively without spaces, dots and dashes.
 */
const PLACEHOLDER_SERIALS = new Set(
  ['To be filled by O.E.M.', 'Default string', 'System Serial Number', 'Not Specified', 'Not Applicable', 'None', 'N/A', 'Unknown', '0', '00000000', '0123456789', '123456789', 'Chassis Serial Number', 'Serial', 'XXXXXXXX']
    .map(serialKey),
)

function serialKey(v: string): string {
  return v.toLowerCase().replace(/[\s.\-/]/g, '')
}

function isPlaceholderSerial(v: string): boolean {
  return PLACEHOLDER_SERIALS.has(serialKey(v)) || /^0+$/.test(v)
}

function isDomain(v: string): boolean {
  return v.length <= 253 && v.split('.').every((l) => LABEL.test(l))
}

function hostnameCheck(v: string): Problem | undefined {
  if (v.includes('.')) return { code: 'BAD_HOSTNAME', message: M.hostnameDot }
  if (v.length > 63) return { code: 'BAD_HOSTNAME', message: M.hostnameTooLong }
  if (!LABEL.test(v)) return { code: 'BAD_HOSTNAME', message: M.hostnameLabel }
  // Node folders sit beside the output folder's own entries (out/pxe/, out/installer/).
  if (RESERVED_HOSTNAMES.has(v.toLowerCase())) return { code: 'RESERVED_HOSTNAME', message: M.hostnameReserved(v) }
  return undefined
}

function subnetCheck(v: string): Problem | undefined {
  const c = parseCidr(v)
  if (!c) return { code: 'BAD_SUBNET', message: M.badSubnet }
  const net = networkOf(c)
  if (net !== c.addr) return { code: 'BAD_SUBNET', message: M.subnetHostBits(`${formatIPv4(net)}/${c.prefix}`) }
  return undefined
}

function absPathOk(v: string): boolean {
  if (!v.startsWith('/')) return false
  if (v === '/') return true
  const parts = v.slice(1).replace(/\/$/, '').split('/')
  return parts.every((p) => p !== '' && p !== '.' && p !== '..' && /^[A-Za-z0-9._+-]+$/.test(p))
}

// Folders that belong to the system. A service account's home is created and chowned to the account, and an NFS
// export is chowned to it and shared read-write with the subnet: neither may be one of these, nor inside the trees
// that are the system's as a whole (/etc/ssh, /usr/local, /boot/efi, /var/lib, /var/log ...).
const SYSTEM_FOLDERS = new Set(['/', '/bin', '/boot', '/dev', '/etc', '/home', '/lib', '/lib32', '/lib64', '/libx32', '/media', '/mnt',
  '/opt', '/proc', '/root', '/run', '/sbin', '/snap', '/srv', '/sys', '/tmp', '/usr', '/var', SHARED_PATHS.vfroot,
  '/var/backups', '/var/cache', '/var/crash', '/var/lib', '/var/local', '/var/lock', '/var/log', '/var/mail', '/var/opt',
  '/var/run', '/var/snap', '/var/spool', '/var/tmp', '/var/www'])
/** Trees that are the system's (or the kernel's, or bai-seed's mounts) all the way down. */
const SYSTEM_TREES = ['/bin', '/boot', '/dev', '/etc', '/lib', '/lib32', '/lib64', '/libx32', '/proc', '/root', '/run', '/sbin',
  '/snap', '/sys', '/tmp', '/usr', SHARED_PATHS.vfroot, '/var/cache', '/var/lib/apt', '/var/lib/dpkg', '/var/lib/docker',
  '/var/lib/containerd', '/var/lib/bai-seed', '/var/log', '/var/run', '/var/lock', '/var/spool', '/var/tmp', '/var/crash']

/** The system folder `path` is, or the system tree it is inside; undefined when it is neither. */
export function systemFolderOf(path: string): { folder: string; inside: boolean } | undefined {
  const dir = path.length > 1 ? path.replace(/\/+$/, '') : path
  if (SYSTEM_FOLDERS.has(dir)) return { folder: dir, inside: false }
  const tree = SYSTEM_TREES.find((t) => dir.startsWith(`${t}/`))
  return tree === undefined ? undefined : { folder: tree, inside: true }
}

function homeCheck(v: string): Problem | undefined {
  if (!absPathOk(v)) return { code: 'BAD_PATH', message: M.badAbsPath }
  const sys = systemFolderOf(v)
  if (sys) return { code: 'BAD_HOME', message: sys.inside ? M.systemHomeUnder(v, sys.folder) : M.systemHome(sys.folder) }
  return undefined
}

function exportPathCheck(v: string): Problem | undefined {
  if (!absPathOk(v)) return { code: 'BAD_PATH', message: M.badAbsPath }
  const sys = systemFolderOf(v)
  if (sys) return { code: 'SYSTEM_EXPORT', message: sys.inside ? M.systemExportUnder(v, sys.folder) : M.systemExport(sys.folder) }
  return undefined
}

// Accounts an Ubuntu server (20.04-24.04) or its usual packages create: the service account must be a new one, since
// the user step refuses an account with another uid and would otherwise take over a system account.
export const SYSTEM_ACCOUNTS: ReadonlySet<string> = new Set([
  'root', 'daemon', 'bin', 'sys', 'sync', 'games', 'man', 'lp', 'mail', 'news', 'uucp', 'proxy', 'www-data', 'backup',
  'list', 'irc', 'gnats', 'nobody', 'nogroup', 'systemd-network', 'systemd-resolve', 'systemd-timesync', 'systemd-coredump',
  'systemd-oom', 'messagebus', 'syslog', '_apt', 'uuidd', 'tcpdump', 'tss', 'landscape', 'pollinate', 'sshd', 'lxd',
  'usbmux', 'dnsmasq', 'fwupd-refresh', 'polkitd', 'nvidia-persistenced', 'ntp', '_chrony', 'statd', '_rpc', 'postfix',
  'lxc-dnsmasq', 'dhcpcd', 'cloud-init',
  // Groups the account's own group (named after it) would collide with.
  'adm', 'sudo', 'docker', 'nogroup', 'users', 'staff', 'admin',
])

function serviceUserCheck(v: string): Problem | undefined {
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(v)) return { code: 'BAD_USERNAME', message: M.badUsername }
  if (SYSTEM_ACCOUNTS.has(v) || v.startsWith('systemd-')) return { code: 'SYSTEM_ACCOUNT', message: M.systemAccount(v) }
  return undefined
}

function urlCheck(v: string): Problem | undefined {
  let u: URL
  try {
    u = new URL(v)
  } catch {
    return { code: 'BAD_URL', message: M.badUrl }
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { code: 'BAD_URL', message: M.badUrlScheme }
  if (!/^https?:\/\/[^/]/.test(v) || u.hostname === '') return { code: 'BAD_URL', message: M.badUrl }
  return undefined
}

// The base URL nodes report to: `report/<host>/<token>` is appended, and it ends up in user-data and on the kernel
// command line, so no credentials, query or fragment, and a trailing slash.
function reportUrlCheck(v: string): Problem | undefined {
  const plain = urlCheck(v)
  if (plain) return plain
  const u = new URL(v)
  if (u.username || u.password || u.search || u.hash || v.includes('@') || v.includes('?') || v.includes('#')) return { code: 'BAD_REPORT_URL', message: M.badReportUrl }
  if (!v.endsWith('/')) return { code: 'BAD_REPORT_URL', message: M.reportUrlSlash }
  return undefined
}

function registryOk(v: string): boolean {
  const [host, port, ...rest] = v.split(':')
  if (rest.length > 0 || host === undefined) return false
  if (parseIPv4(host) === undefined && !isDomain(host)) return false
  return port === undefined || (/^[1-9][0-9]{0,4}$/.test(port) && Number(port) <= 65535)
}

function registryMirrorOk(v: string): boolean {
  const slash = v.indexOf('/')
  if (slash === -1) return registryOk(v)
  const path = v.slice(slash + 1)
  return registryOk(v.slice(0, slash)) && path.split('/').every((p) => /^[a-z0-9]+([._-][a-z0-9]+)*$/.test(p))
}

// One certificate: the armor lines and base64 lines between them (a trailing line feed is fine).
const PEM_CERT = /^-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/=]{1,76}\n)+-----END CERTIFICATE-----\n?$/

function noProxyOk(v: string): boolean {
  if (parseIPv4(v) !== undefined || parseCidr(v) !== undefined) return true
  const d = v.startsWith('.') ? v.slice(1) : v
  return d !== '' && isDomain(d)
}

function sysctlValueOk(v: string): boolean {
  return /^-?[0-9]+( +-?[0-9]+)*$/.test(v) || /^[A-Za-z0-9_.,:/+-]+$/.test(v)
}

/** Every kind of string field. Both the inventory and profiles/overrides refer to these by name. */
export const FIELD_RULES = {
  clusterName: {
    what: 'cluster name',
    chars: base,
    charsText: WORD,
    check: when((v) => LABEL.test(v), 'BAD_CLUSTER_NAME', M.badClusterName),
  },
  hostname: { what: 'host name', chars: base, charsText: WORD, check: hostnameCheck },
  domain: { what: 'domain', chars: base, charsText: WORD, check: when(isDomain, 'BAD_DOMAIN', M.badDomain) },
  host: {
    what: 'host',
    chars: base,
    charsText: WORD,
    check: when((v) => parseIPv4(v) !== undefined || isDomain(v), 'BAD_HOST', M.badHost),
  },
  release: {
    what: 'release line',
    chars: base,
    charsText: WORD,
    check: (v) => (releaseLine(v) ? undefined : { code: 'UNKNOWN_RELEASE', message: M.unknownRelease(v, KNOWN_RELEASES_HINT) }),
  },
  locale: {
    what: 'locale',
    chars: safe('@'),
    charsText: `${WORD}, "@"`,
    check: (v) =>
      /^[A-Za-z]{1,3}(_[A-Z]{2})?(\.[A-Za-z0-9-]+)?(@[A-Za-z0-9]+)?$/.test(v)
        ? onList(v, 'locales', 'UNKNOWN_LOCALE', M.unknownLocale)
        : { code: 'BAD_LOCALE', message: M.badLocale },
  },
  keyboard: {
    what: 'keyboard layout',
    chars: base,
    charsText: WORD,
    check: (v) =>
      /^[a-z][a-z0-9_-]*$/.test(v) ? onList(v, 'keyboard-layouts', 'UNKNOWN_KEYBOARD', M.unknownKeyboard) : { code: 'BAD_KEYBOARD', message: M.badKeyboard },
  },
  timezone: {
    what: 'time zone',
    chars: safe('/+'),
    charsText: `${WORD}, "/", "+"`,
    check: (v) =>
      /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(v)
        ? timezoneCheck(v)
        : { code: 'BAD_TIMEZONE', message: M.badTimezone },
  },
  subnet: { what: 'subnet', chars: safe('/'), charsText: 'digits, ".", "/"', check: subnetCheck },
  ipv4: {
    what: 'IPv4 address',
    chars: base,
    charsText: 'digits, "."',
    check: when((v) => parseIPv4(v) !== undefined, 'BAD_IP', M.badIPv4),
  },
  ipWithPrefix: {
    what: 'address',
    chars: safe('/'),
    charsText: 'digits, ".", "/"',
    check: when((v) => parseCidr(v) !== undefined, 'BAD_IP', M.badIpPrefix),
  },
  mac: {
    what: 'MAC address',
    chars: safe(':'),
    charsText: 'hex digits, ":"',
    check: (v) => {
      if (!/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(v)) return { code: 'BAD_MAC', message: M.badMac }
      if (/^(00:){5}00$/.test(v)) return { code: 'BAD_MAC', message: M.macZero }
      if (/^(ff:){5}ff$/i.test(v)) return { code: 'BAD_MAC', message: M.macBroadcast }
      if (parseInt(v.slice(0, 2), 16) & 1) return { code: 'BAD_MAC', message: M.macMulticast }
      return undefined
    },
  },
  dmiSerial: {
    what: 'DMI serial number',
    chars: safe(' /:+'),
    charsText: `${WORD}, space, "/", ":", "+"`,
    check: (v) => {
      if (v.trim() !== v || v === '' || v.length > 64) return { code: 'BAD_SERIAL', message: M.badSerial }
      if (isPlaceholderSerial(v)) return { code: 'BAD_SERIAL', message: M.placeholderSerial(v) }
      return undefined
    },
  },
  interface: {
    what: 'interface name',
    chars: base,
    charsText: WORD,
    check: when((v) => /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}$/.test(v), 'BAD_INTERFACE', M.badInterface),
  },
  diskMatch: {
    what: 'disk match',
    chars: safe(' :*?+'),
    charsText: `${WORD}, space, ":", "+", globs "*" and "?"`,
    check: when((v) => v.trim() === v && v !== '', 'BAD_DISK_MATCH', M.badDiskMatch),
  },
  diskPath: {
    what: 'device path',
    chars: safe('/*?'),
    charsText: `${WORD}, "/", globs "*" and "?"`,
    check: when((v) => /^\/dev\/[A-Za-z0-9._*?/-]+$/.test(v) && !v.includes('..'), 'BAD_DISK_MATCH', M.badDiskPath),
  },
  exportName: {
    what: 'export name',
    chars: base,
    charsText: WORD,
    check: when((v) => /^[a-z0-9][a-z0-9_-]{0,62}$/.test(v), 'BAD_EXPORT_NAME', M.badExportName),
  },
  absPath: {
    what: 'path',
    chars: safe('/+'),
    charsText: `${WORD}, "/", "+"`,
    check: when(absPathOk, 'BAD_PATH', M.badAbsPath),
  },
  exportPath: {
    what: 'path',
    chars: safe('/+'),
    charsText: `${WORD}, "/", "+"`,
    check: exportPathCheck,
  },
  filePath: {
    what: 'file path',
    chars: safe('/+'),
    charsText: `${WORD}, "/", "+"`,
    check: when((v) => v !== '' && !v.endsWith('/'), 'BAD_PATH', M.badFilePath),
  },
  mountOption: {
    what: 'mount option',
    chars: safe('=:'),
    charsText: `${WORD}, "=", ":"`,
    check: when((v) => /^[A-Za-z0-9_][A-Za-z0-9_.-]*(=[A-Za-z0-9._:-]+)?$/.test(v), 'BAD_MOUNT_OPTION', M.badMountOption),
  },
  url: {
    what: 'URL',
    chars: safe(':/%@+=~'),
    charsText: `${WORD}, ":", "/", "%", "@", "+", "=", "~"`,
    check: urlCheck,
  },
  reportUrl: {
    what: 'reporting URL',
    chars: safe(':/'),
    charsText: `${WORD}, ":", "/"`,
    check: reportUrlCheck,
  },
  registry: {
    what: 'registry',
    chars: safe(':'),
    charsText: `${WORD}, ":"`,
    check: when(registryOk, 'BAD_REGISTRY', M.badRegistry),
  },
  hostPort: {
    what: 'host',
    chars: safe(':'),
    charsText: `${WORD}, ":"`,
    check: when(registryOk, 'BAD_HOST', M.badHostPort),
  },
  registryMirror: {
    what: 'registry mirror',
    chars: safe(':/'),
    charsText: `${WORD}, ":", "/"`,
    check: when(registryMirrorOk, 'BAD_REGISTRY', M.badRegistryMirror),
  },
  pemCertificate: {
    what: 'PEM certificate',
    chars: safe(' :/+='),
    charsText: `${WORD}, space, ":", "/", "+", "=", line feeds`,
    multiline: true,
    check: when((v) => PEM_CERT.test(v), 'BAD_CERTIFICATE', M.badPemCertificate),
  },
  pgpFingerprint: {
    what: 'key fingerprint',
    chars: safe(' '),
    charsText: 'hex digits, space',
    check: when((v) => /^[0-9A-Fa-f]{40}$/.test(v.replace(/ /g, '')), 'BAD_FINGERPRINT', M.badFingerprint),
  },
  noProxy: {
    what: 'no_proxy entry',
    chars: safe('/'),
    charsText: `${WORD}, "/"`,
    check: when(noProxyOk, 'BAD_NO_PROXY', M.badNoProxy),
  },
  // The type and base64 fields are checked by their grammar; the comment after them is free text (renderers quote
  // the whole line), like any OpenSSH key comment.
  sshKey: {
    what: 'SSH key',
    // A private key is several lines: say what it is rather than that a line feed is not allowed.
    precheck: (v) => (isPrivateKey(v) ? { code: 'BAD_SSH_KEY', message: M.sshKeyPrivate } : undefined),
    check: (v) => {
      const p = sshKeyProblem(v)
      return p === undefined ? undefined : { code: 'BAD_SSH_KEY', message: p }
    },
  },
  cryptHash: {
    what: 'password hash',
    chars: safe('$/='),
    charsText: `${WORD}, "$", "/", "="`,
    check: (v) => {
      const p = cryptHashProblem(v)
      if (!p) return undefined
      return p.weak
        ? { code: 'WEAK_PASSWORD_HASH', message: p.message, severity: 'warning' }
        : { code: 'BAD_PASSWORD_HASH', message: p.message }
    },
  },
  envName: {
    what: 'environment variable name',
    chars: base,
    charsText: WORD,
    check: when((v) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(v), 'BAD_ENV_NAME', M.badEnvName),
  },
  profileName: {
    what: 'profile name',
    chars: base,
    charsText: WORD,
    check: when((v) => /^[a-z0-9][a-z0-9_-]*$/.test(v), 'BAD_PROFILE_NAME', M.badProfileName),
  },
  serviceUser: {
    what: 'user name',
    chars: base,
    charsText: WORD,
    check: serviceUserCheck,
  },
  homePath: {
    what: 'path',
    chars: safe('/+'),
    charsText: `${WORD}, "/", "+"`,
    check: homeCheck,
  },
  username: {
    what: 'user name',
    chars: base,
    charsText: WORD,
    check: when((v) => /^[a-z_][a-z0-9_-]{0,31}$/.test(v), 'BAD_USERNAME', M.badUsername),
  },
  groupName: {
    what: 'group name',
    chars: base,
    charsText: WORD,
    check: when((v) => /^[a-z_][a-z0-9_-]{0,31}$/.test(v), 'BAD_GROUP_NAME', M.badGroupName),
  },
  limitDomain: {
    what: 'limits domain',
    chars: safe('@%*:'),
    charsText: `${WORD}, "@", "%", "*", ":"`,
    check: when(
      (v) => /^(\*|[@%]?[a-z_][a-z0-9_-]{0,31}|@?([0-9]+:[0-9]*|:[0-9]+))$/.test(v),
      'BAD_LIMIT_DOMAIN',
      M.badLimitDomain,
    ),
  },
  limitValue: {
    what: 'limit value',
    chars: base,
    charsText: WORD,
    check: when((v) => /^(unlimited|infinity|-?[0-9]+)$/.test(v), 'BAD_LIMIT_VALUE', M.badLimitValue),
  },
  // Dotted form only: the script finds the live value at /proc/sys/<key with "/" for ".">, so a "/" (the slash form,
  // or procps' "/ stands for ." inside a segment) or an empty segment could name a path outside /proc/sys/<key>.
  sysctlKey: {
    what: 'sysctl key',
    chars: base,
    charsText: WORD,
    check: when((v) => /^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/.test(v), 'BAD_SYSCTL_KEY', M.badSysctlKey),
  },
  sysctlValue: {
    what: 'sysctl value',
    chars: safe(' ,:/+'),
    charsText: `${WORD}, space, ",", ":", "/", "+"`,
    check: when(sysctlValueOk, 'BAD_SYSCTL_VALUE', M.badSysctlValue),
  },
  debPackage: {
    what: 'package name',
    chars: safe('+=:~'),
    charsText: `${WORD}, "+", "=", ":", "~"`,
    check: when((v) => /^[a-z0-9][a-z0-9+.-]+(=[0-9][A-Za-z0-9.+~:-]*)?$/.test(v), 'BAD_PACKAGE_NAME', M.badPackageName),
  },
  size: {
    what: 'size',
    chars: base,
    charsText: WORD,
    check: when((v) => /^[1-9][0-9]*[kmg]?$/.test(v), 'BAD_SIZE', M.badSize),
  },
  stepId: {
    what: 'step id',
    chars: base,
    charsText: WORD,
    check: (v) => (STEP_ORDER.some((s) => s.id === v) ? undefined : { code: 'UNKNOWN_STEP', message: M.unknownStep(v, closest(v, STEP_ORDER.map((s) => s.id))) }),
  },
  stepDuration: {
    what: 'duration',
    chars: base,
    charsText: WORD,
    check: (v) => {
      // A negative one (-5m) is well formed apart from its sign: say what is wrong with it.
      const s = durationSeconds(v.startsWith('-') ? v.slice(1) : v)
      if (s === undefined) return { code: 'BAD_DURATION', message: M.badDuration }
      if (s === 0 || v.startsWith('-')) return { code: 'DURATION_NOT_POSITIVE', message: M.durationNotPositive }
      if (s > MAX_STEP_SECONDS) return { code: 'DURATION_TOO_LONG', message: M.durationTooLong(v, formatDuration(MAX_STEP_SECONDS)) }
      return undefined
    },
  },
  pythonVersion: {
    what: 'Python version',
    chars: base,
    charsText: WORD,
    check: when((v) => v === 'auto' || /^[0-9]+\.[0-9]+\.[0-9]+$/.test(v), 'BAD_PYTHON_VERSION', M.badPythonVersion),
  },
  pbsRelease: {
    what: 'python-build-standalone release',
    chars: base,
    charsText: WORD,
    check: when((v) => v === 'auto' || /^20[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$/.test(v), 'BAD_PBS_RELEASE', M.badPbsRelease),
  },
  sha256: {
    what: 'sha256',
    chars: base,
    charsText: WORD,
    check: when((v) => /^[0-9a-f]{64}$/.test(v), 'BAD_SHA256', M.badSha256),
  },
  serviceName: {
    what: 'service name',
    chars: base,
    charsText: WORD,
    check: when((v) => /^[a-z0-9][a-z0-9-]*$/.test(v), 'BAD_SERVICE_NAME', M.badServiceName),
  },
  imageRef: {
    what: 'image reference',
    chars: safe('/:@'),
    charsText: `${WORD}, "/", ":", "@"`,
    check: (v) => {
      const p = imageRefProblem(v)
      return p === undefined ? undefined : { code: 'BAD_IMAGE_REF', message: M.badImageRef(p) }
    },
  },
  imageOrAuto: {
    what: 'image reference',
    chars: safe('/:@'),
    charsText: `${WORD}, "/", ":", "@"`,
    check: (v) => {
      const p = v === 'auto' ? undefined : imageRefProblem(v)
      return p === undefined ? undefined : { code: 'BAD_IMAGE_REF', message: M.badImageRef(p) }
    },
  },
  migProfile: {
    what: 'MIG profile',
    chars: safe('+'),
    charsText: `${WORD}, "+"`,
    // nvidia-smi mig -lgip names: 1g.10gb, 3g.40gb, 1g.10gb+me, 1g.20gb+gfx ...
    check: when((v) => /^[1-8]g\.[0-9]+gb(\+[a-z]+)?$/.test(v), 'BAD_MIG_PROFILE', M.badMigProfile),
  },
  text: { what: 'text', maxLength: MAX_TEXT_CHARS },
  gecos: { what: 'gecos', textForbidden: /[:,]/, maxLength: MAX_GECOS_CHARS },
} satisfies Record<string, FieldRule>

export type FieldKind = keyof typeof FIELD_RULES

// Control characters (C0, DEL, C1) and the Unicode line/paragraph separators, which YAML and JavaScript treat as breaks.
const CONTROL = /[\p{Cc}\u2028\u2029]/u

/** Human name of a character: "$", or U+000A (line feed) for invisible ones. */
export function describeChar(c: string): string {
  const cp = c.codePointAt(0)!
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`
  const names: Record<number, string> = { 0: 'NUL', 9: 'tab', 10: 'line feed', 13: 'carriage return', 32: 'space' }
  if (names[cp]) return `${hex} (${names[cp]})`
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp === 0x2028 || cp === 0x2029) return hex
  if (cp > 0x7e) return `${JSON.stringify(c)} (${hex})`
  return JSON.stringify(c)
}

/** Every problem of one string value under the rule of `kind` (at most one: too long, else the first unsafe character, else the format). */
export function checkField(kind: FieldKind, value: string): Problem | undefined {
  const rule: FieldRule = FIELD_RULES[kind]
  const max = rule.maxLength ?? (rule.multiline ? MAX_MULTILINE_CHARS : MAX_FIELD_CHARS)
  if (value.length > max) return { code: 'TOO_LONG', message: M.tooLong(rule.what, value.length, max) }
  const early = rule.precheck?.(value)
  if (early) return early
  for (const c of value) {
    if (c === '\n' && rule.multiline) continue
    if (CONTROL.test(c)) return { code: 'UNSAFE_CHARS', message: M.controlChars(describeChar(c), rule.what) }
    if (rule.chars && !rule.chars.test(c)) {
      return { code: 'UNSAFE_CHARS', message: M.unsafeChars(describeChar(c), rule.what, rule.charsText ?? '') }
    }
    if (rule.textForbidden?.test(c)) {
      return { code: 'UNSAFE_CHARS', message: M.unsafeChars(describeChar(c), rule.what, M.gecosAllowed) }
    }
  }
  return rule.check?.(value)
}
