// Every diagnostic text, named, so tests compare against the same constant the validators use.
// Texts say what is wrong and, where it helps, what to write instead.

import { excerpt } from './excerpt.js'

// Values and keys from the input are quoted short and sanitised (excerpt.ts).
const q = excerpt

function suggestion(s: string | undefined): string {
  return s === undefined ? '' : ` (did you mean ${q(s)}?)`
}

export const M = {
  // --- files and YAML
  fileNotFound: 'file not found',
  inventoryNotFound:
    'file not found: no inventory here; write a commented starter with `bai-seed init`, or name yours with -c FILE (or as the first argument)',
  fileUnreadable: (reason: string) => `cannot read the file: ${reason}`,
  yamlSyntax: (reason: string) => `YAML syntax error: ${reason}`,
  yamlTab: 'a tab character: YAML allows only spaces for indentation and after "key:"; replace the tab with spaces',
  yamlNoSpace: (key: string) => `"${key}:" needs a space after the colon (write "${key}: value"); without it the line is one plain string`,
  yamlUnclosed: (open: string, close: string) => `this "${open}" is never closed: add the "${close}" at the end of the list`,
  yamlMultiDoc: 'a second YAML document ("---"): this file must hold exactly one document',
  yamlDuplicateKey: (key: string, line: number, col: number) => `duplicate key ${q(key)} (first at line ${line}, col ${col})`,
  yamlAlias: 'YAML aliases are not supported here: write the value out (errors inside an alias could not be located)',
  yamlAnchor: 'YAML anchors are not supported here: write the value out (use profiles and `extends:` to share settings)',
  yamlMergeKey: 'YAML merge keys ("<<") are not supported here: write the keys out',
  yamlComplexKey: 'mapping keys must be plain strings',

  // --- schema
  schemaRequired: (key: string) => `missing required key ${q(key)}`,
  schemaUnknownKey: (key: string, suggest: string | undefined, allowed: readonly string[]) =>
    `unknown key ${q(key)}` + (suggest !== undefined ? suggestion(suggest) : allowed.length > 0 ? ` (expected one of: ${allowed.join(', ')})` : ''),
  schemaUnknownAppendKey: (key: string) => `unknown key ${q(key)}: only list settings can be appended to with "+"`,
  schemaType: (expected: string, got: string) => `expected ${expected}, got ${got}`,
  schemaTypeTag: (expected: string, got: string, tag: string) => `expected ${expected}, got ${got}: the tag ${tag} makes it so; remove the tag`,
  schemaTypeQuote: (expected: string, got: string, raw: string) => `expected ${expected}, got ${got} (quote it: ${q(raw)})`,
  schemaEnum: (allowed: readonly unknown[], got: unknown, suggest: string | undefined) =>
    `expected one of ${allowed.map((a) => q(a)).join(', ')}, got ${q(got)}${suggestion(suggest)}`,
  schemaMinimum: (limit: number, got: unknown) => `must be at least ${limit}, got ${q(got)}`,
  schemaMaximum: (limit: number, got: unknown) => `must be at most ${limit}, got ${q(got)}`,
  schemaMinItems: (n: number) => (n === 1 ? 'must have at least one item' : `must have at least ${n} items`),
  schemaMaxItems: (n: number) => `must have at most ${n} items`,
  schemaDuplicateItem: (first: number) => `duplicate of item ${first}`,
  schemaEmpty: 'must not be empty',
  schemaMaxLength: (n: number) => `must be at most ${n} characters long`,
  schemaExactlyOne: (keys: readonly string[]) => `give exactly one of: ${keys.join(', ')}`,
  schemaOther: (text: string) => text,

  // --- characters (the shell/YAML safety policy)
  unsafeChars: (char: string, what: string, allowed: string) => `unsafe character ${char} in ${what} (allowed: ${allowed})`,
  controlChars: (char: string, what: string) => `${what} must not contain ${char}`,
  tooLong: (what: string, length: number, max: number) => `${what} is ${length} characters long; at most ${max} are allowed`,
  gecosAllowed: 'printable characters except ":" and ","',

  // --- formats of single values
  badClusterName: 'a cluster name uses lowercase letters, digits and "-" (at most 63, not starting or ending with "-")',
  hostnameReserved: (v: string) => `"${v}" is reserved: the output folder's ${v.toLowerCase()}/ is bai-seed's own (PXE tree, installer ISO), not a node folder`,
  hostnameDot: 'a host name here is one label without dots: the domain comes from cluster.domain',
  hostnameTooLong: 'a host name has at most 63 characters (RFC 1123)',
  hostnameLabel: 'a host name uses lowercase letters, digits and "-", and does not start or end with "-" (RFC 1123)',
  fqdnTooLong: (fqdn: string) => `the full name ${q(fqdn)} is longer than 253 characters`,
  badDomain:
    'a domain is labels separated by ".", each of lowercase letters, digits and "-" (1 to 63, not starting or ending with "-")',
  badHost: 'expected a host name or an IPv4 address',
  unknownRelease: (release: string, known: string) => `unknown Backend.AI release line ${q(release)} (known: ${known})`,
  badLocale: 'expected a locale such as en_US.UTF-8 or C.UTF-8',
  badKeyboard: 'expected a keyboard layout such as us or de',
  badTimezone: 'expected a time zone such as UTC or Asia/Seoul',
  unknownTimezone: (v: string, suggest: string | undefined) =>
    `unknown time zone ${q(v)}${suggestion(suggest)}: expected an IANA name such as UTC, Europe/Berlin or Asia/Seoul`,
  timezoneAlias: (v: string, zones: readonly string[]) =>
    `${q(v)} is not a time zone name (an abbreviation or alias): did you mean ${zones.map((z) => q(z)).join(' or ')}? ` +
    'Time zones are IANA names such as Asia/Seoul',
  unknownLocale: (v: string, suggest: string | undefined) =>
    `unknown locale ${q(v)}${suggestion(suggest)}: expected a name from glibc's list such as en_US.UTF-8, ko_KR.UTF-8 or C.UTF-8`,
  unknownKeyboard: (v: string, suggest: string | undefined) =>
    `unknown keyboard layout ${q(v)}${suggestion(suggest)}: expected an XKB layout such as us, de or kr`,
  badSubnet: 'expected an IPv4 subnet such as 10.20.30.0/24',
  subnetHostBits: (net: string) => `the address has host bits set (did you mean ${q(net)}?)`,
  badIPv4: 'expected an IPv4 address such as 10.20.30.1',
  badIpPrefix: 'expected an IPv4 address with the prefix length, such as 10.20.30.10/24',
  badMac: 'expected a MAC address such as 52:54:00:12:34:56',
  macMulticast: 'a multicast MAC address (odd first octet) cannot belong to a network card',
  macBroadcast: 'ff:ff:ff:ff:ff:ff is the broadcast address, not a network card\'s',
  macZero: '00:00:00:00:00:00 is not a network card\'s address (a placeholder, or a card that reports none): give the real MAC',
  badSerial: 'a DMI serial number has 1 to 64 characters and does not start or end with a space',
  placeholderSerial: (v: string) =>
    `${q(v)} is a placeholder firmware vendors leave instead of a serial number, shared by many machines; use the MAC address instead`,
  badInterface: 'an interface name has 1 to 15 letters, digits, "_", "." or "-", not starting with "." or "-"',
  badDiskMatch: 'a disk match must not be empty or start or end with a space',
  badDiskPath: 'expected a device path under /dev/, such as /dev/sda or /dev/nvme0n1',
  badExportName: 'an export name is a folder name of lowercase letters, digits, "_" and "-", starting with a letter or digit (at most 63)',
  badAbsPath: 'expected an absolute path without empty, "." or ".." parts, such as /home/bai',
  badFilePath: 'expected a file path',
  badMountOption: 'expected one mount option such as rw or nfsvers=4.1',
  badUrl: 'expected a URL such as http://mirror.example/ubuntu',
  badUrlScheme: 'only http:// and https:// URLs are supported',
  badReportUrl: 'expected the base URL of bai-seed serve, such as http://10.20.30.5:8080/, without user, password, query or fragment',
  reportUrlSlash: 'the reporting URL must end in / (nodes post to <url>report/<hostname>/<token>)',
  badRegistry: 'expected a registry host[:port] such as registry.example:5000',
  badNoProxy: 'expected a host name, .domain, IPv4 address or CIDR',
  badHostPort: 'expected a host[:port] such as pypi.example:8080',
  badRegistryMirror: 'expected a registry mirror host[:port][/path] such as registry.example:5000/backendai',
  badPemCertificate: 'expected one PEM certificate: -----BEGIN CERTIFICATE-----, base64 lines, -----END CERTIFICATE-----',
  badFingerprint: 'expected an OpenPGP key fingerprint: 40 hex digits (spaces between groups allowed)',
  sshKeyFormat: 'expected a public key line: type, base64 data, optional comment (the content of a .pub file)',
  sshKeyPrivate: 'this is a PRIVATE key: never put it in an inventory; give the public key (the content of the .pub file)',
  sshKeyDsa: 'DSA keys (ssh-dss) are disabled in current OpenSSH: use an ssh-ed25519 key',
  sshKeyType: (type: string) => `unsupported key type ${q(type)} (expected ssh-ed25519, ssh-rsa or ecdsa-sha2-nistp256/384/521)`,
  sshKeyData: (type: string) => `the base64 data is not a valid ${type} key (damaged, or pasted with another key's type)`,
  badCryptHash: 'expected a crypt hash: $6$ (SHA-512), $5$ (SHA-256) or $y$ (yescrypt); make one with: mkpasswd -m sha-512',
  weakCryptHash: '$1$ (MD5) crypt hashes are weak: prefer $6$ (mkpasswd -m sha-512)',
  badEnvName: 'expected an environment variable name (letters, digits and "_", not starting with a digit)',
  badProfileName: 'a profile name uses lowercase letters, digits, "_" and "-", starting with a letter or digit',
  badUsername: 'a user name has 1 to 32 lowercase letters, digits, "_" and "-", starting with a letter or "_"',
  badGroupName: 'a group name has 1 to 32 lowercase letters, digits, "_" and "-", starting with a letter or "_"',
  badLimitDomain: 'expected a user name, @group, %group, "*" or a uid range such as 1000:',
  badLimitValue: 'expected a number, "unlimited" or "infinity"',
  badSysctlKey:
    'expected a sysctl key such as net.core.somaxconn: segments of lowercase letters, digits, "_" and "-" separated by single "." (no "/" form)',
  systemHome: (dir: string) => `${q(dir)} is a system folder: the service account's home is created and owned by it (use e.g. /home/bai)`,
  systemHomeUnder: (dir: string, system: string) =>
    `${q(dir)} is inside the system folder ${system}: the service account's home is created and owned by it (use e.g. /home/bai)`,
  systemExport: (dir: string) =>
    `${q(dir)} is a system folder: the NFS server exports it read-write to the subnet and gives it to the service account (use e.g. /export/backendai/data)`,
  systemExportUnder: (dir: string, system: string) =>
    `${q(dir)} is inside the system folder ${system}: the NFS server exports it read-write to the subnet and gives it to the service account (use e.g. /export/backendai/data)`,
  systemAccount: (name: string) =>
    `${q(name)} is a system account (or one Ubuntu or its packages create): the service account must be its own, such as bai`,
  badSysctlValue: 'expected numbers separated by spaces (such as 10000 65000) or one simple word',
  badPackageName:
    'a Debian package name has at least 2 lowercase letters, digits, "+", "-" and ".", starting with a letter or digit (optionally =version)',
  badSize: 'expected a size such as 100m (a number with an optional k, m or g)',
  unknownStep: (v: string, suggest: string | undefined) =>
    `unknown step ${q(v)}${suggestion(suggest)}: expected a step id as \`bai-seed plan\` lists them, such as nvidia-driver or images`,
  badDuration: 'expected a duration such as 45m, 2h, 90s or 1h30m (hours, minutes, seconds, in that order)',
  durationNotPositive: 'a step duration must be more than 0: a node in that step would be `stalled` at once',
  durationTooLong: (v: string, max: string) =>
    `${q(v)} is more than ${max}: a first-boot step silent for longer is stuck, not slow`,
  badPythonVersion: 'expected "auto" or a full Python version such as 3.12.6',
  badPbsRelease: 'expected "auto" or a python-build-standalone release date YYYYMMDD, quoted (such as "20240909")',
  badSha256: 'expected a sha256: 64 lowercase hex digits',
  badServiceName: 'a service name uses lowercase letters, digits and "-", starting with a letter or digit',
  badImageRef: (why: string) => `not a valid image reference: ${why}`,
  imageDigest: 'the digest must be @sha256: followed by 64 lowercase hex digits',
  imageTag: 'the tag has 1 to 128 letters, digits, "_", "." and "-", not starting with "." or "-"',
  imageEmptyName: 'the name is empty',
  imageNameTooLong: 'the name is longer than 255 characters',
  imageRegistry: 'the registry must be host[:port]',
  imageEmptyComponent: 'empty path component ("//" or a trailing "/")',
  imageUppercase: 'the repository path must be lowercase',
  imagePathComponent: (part: string) =>
    `path component ${q(part)} must be lowercase letters and digits separated by ".", "_", "__" or "-"`,

  // --- settings (profiles and per-node overrides)
  idZero: (which: 'uid' | 'gid') => `${which} 0 is root's: the service account needs its own (Backend.AI uses 1100)`,
  idRange: (which: 'uid' | 'gid', n: number) =>
    `${which} ${n} is outside 1000..59999, the range Debian leaves to local accounts (Backend.AI uses 1100)`,
  replaceAndAppend: (key: string) =>
    `both ${q(key)} and ${q(key + '+')} are set: use one (${q(key)} replaces the parents' list, ${q(key + '+')} appends to it)`,

  // --- inventory semantics
  duplicateHostname: (name: string, firstPath: string, line: number) =>
    `host name ${q(name)} is already used by ${firstPath} (line ${line})`,
  duplicateIp: (ip: string, firstPath: string, line: number) => `address ${ip} is already used by ${firstPath} (line ${line})`,
  duplicateMac: (mac: string, firstPath: string, line: number) =>
    `MAC address ${mac} is already used by ${firstPath} (line ${line})`,
  duplicateSerial: (serial: string, firstPath: string, line: number) =>
    `serial number ${q(serial)} is already used by ${firstPath} (line ${line})`,
  duplicateExport: (name: string, firstPath: string, line: number) =>
    `export name ${q(name)} is already used by ${firstPath} (line ${line})`,
  ipOutsideSubnet: (ip: string, subnet: string) => `address ${ip} is outside the subnet ${subnet}`,
  prefixMismatch: (prefix: number, subnet: string) =>
    `prefix length /${prefix} differs from the subnet's (${subnet}); write the subnet's prefix`,
  ipIsNetwork: (ip: string) => `address ${ip} is the subnet's network address`,
  ipIsBroadcast: (ip: string) => `address ${ip} is the subnet's broadcast address`,
  ipIsGateway: (ip: string) => `address ${ip} is the gateway's`,
  gatewayOutsideSubnet: (gw: string, subnet: string) => `gateway ${gw} is outside the subnet ${subnet}`,
  unknownRole: (role: string, suggest: string | undefined, known: readonly string[]) =>
    `unknown role ${q(role)}${suggestion(suggest)}; known roles: ${known.length > 0 ? known.join(', ') : '(none)'}` +
    (suggest === undefined ? '; a profile of your own? name its folder under "profiles:" or pass --profiles DIR' : ''),
  profilesDirMissing: (dir: string) => `no such folder: ${dir} (the path is relative to the inventory)`,
  profilesDirNotFolder: (dir: string) => `${dir} is not a folder (give the folder that holds the profile files)`,
  duplicateRole: (role: string) => `role ${q(role)} is listed twice`,
  nfsNoServer: 'storage type nfs needs "server"',
  storageServerUnknown: (server: string, suggest: string | undefined) =>
    `${q(server)} is neither an IPv4 address nor a node of the inventory${suggestion(suggest)}: ` +
    "name the NFS server by its address, a node's host name, or a full DNS name outside the cluster's domain",
  storageServerNotServing: (host: string) =>
    `${host} is the NFS server here, but it would only mount from itself: give it the storage role, or set storage.nfs_server: true in its overrides`,
  nfsNoExports: 'storage type nfs needs at least one item in "exports"',
  storageIgnored: (key: string) => `${q(key)} is ignored for storage type local`,
  // The whole path: it is the operator's own, and a cut one does not say where the file was looked for.
  passwordFileMissing: (resolved: string) =>
    `password file ${JSON.stringify(resolved)} does not exist (the path is relative to the inventory): rendering will fail until it does`,
  passwordFileMode: (resolved: string, mode: string) =>
    `password file ${JSON.stringify(resolved)} is readable by others (mode ${mode}): chmod 600 it`,
  passwordNul: (where: string) => `${where} holds a NUL byte: nobody could type that password`,
  passwordLines: (where: string) =>
    `${where} holds several lines: a password is one line (one line end at the end of a file is fine); nobody could type this one`,
  passwordControl: (where: string) => `${where} holds a control character: nobody could type that password`,
  passwordEnvUnset: (name: string) => `environment variable ${name} is not set: rendering will fail until it is`,
  noLogin: 'no SSH key and no password: nobody will be able to log in as the service account',
  passwordLoginWithoutPassword: 'allow_password is true but no password is set: password login cannot work',

  // --- resolved settings (per node, after profiles and overrides)
  uidClash: (user: string, uid: number, otherUid: number, otherNode: string) =>
    `user ${q(user)} has uid ${uid} here but ${otherUid} on ${otherNode}: shared storage needs one uid cluster-wide`,
  gidClash: (user: string, gid: number, otherGid: number, otherNode: string) =>
    `user ${q(user)} has gid ${gid} here but ${otherGid} on ${otherNode}: shared storage needs one gid cluster-wide`,
  uidShared: (uid: number, user: string, otherUser: string, otherNode: string) =>
    `uid ${uid} of user ${q(user)} is also the uid of user ${q(otherUser)} on ${otherNode}: files on shared storage would change owner`,
  gidShared: (gid: number, user: string, otherUser: string, otherNode: string) =>
    `gid ${gid} of user ${q(user)} is also the gid of user ${q(otherUser)} on ${otherNode}`,
  pythonReleaseMismatch: (version: string, release: string, minor: string) =>
    `Python ${version} does not match Backend.AI ${release}, which runs on Python ${minor}.x`,
  pbsReleaseUnknown: (version: string, release: string, known: readonly string[]) =>
    `python-build-standalone release ${release} is not known to carry Python ${version}` +
    (known.length > 0 ? ` (known: ${known.join(', ')})` : ''),
  pbsReleaseNeeded: (version: string) =>
    `no known python-build-standalone release carries Python ${version}: set python.release explicitly`,
  badMigProfile: 'expected a MIG profile as nvidia-smi mig -lgip names it (1g.10gb, 3g.40gb, 1g.10gb+me)',
  cudaDriverMismatch: (cuda: string, cudaVersion: string, driver: string, branch: number, min: number) =>
    `CUDA ${cudaVersion} (${cuda}) needs driver branch ${min} or newer; the driver ${driver} is branch ${branch}`,
  cudaVersionUnknown: (cuda: string) =>
    `cannot tell which driver branch ${cuda} needs (not a cuda-toolkit-X-Y package of a known CUDA release): check it by hand`,
  cudaPullsDriver: (cuda: string) =>
    `${cuda} depends on NVIDIA's driver packages (cuda-drivers), which would replace the chosen driver branch: use cuda-toolkit-X-Y`,
  driverBranchUnknown: (pkg: string) =>
    `cannot tell the driver branch of ${pkg}: name an Ubuntu driver package (nvidia-headless-no-dkms-570-server, nvidia-driver-570-server ...); utils, Fabric Manager and the CUDA check need the branch`,
  dkmsIgnored: 'nvidia.driver.dkms is ignored with method ubuntu-drivers (it installs prebuilt modules where the kernel has them, DKMS otherwise): use method package to build with DKMS',
  dkmsPackageMismatch: (pkg: string) =>
    `nvidia.driver.dkms is false but ${pkg} builds its modules with DKMS: use nvidia-headless-no-dkms-<branch> or set dkms: true`,
  migLayoutEmpty: 'nvidia.mig.enabled needs a layout (nvidia.mig.layout: {all: [3g.40gb, 3g.40gb]})',
  migGpuOutOfRange: (index: string, gpus: number) => `nvidia.mig.layout names GPU ${index}, but nvidia.gpus is ${gpus}`,
  dcgmWithoutCuda: 'nvidia.dcgm.enabled needs nvidia.cuda.enabled (datacenter-gpu-manager comes from NVIDIA\'s CUDA repository)',
  checkImageNone: 'nvidia.check_image is auto but images.pull has no image on this node: nvidia-check cannot start a container through the nvidia runtime (name an image)',
  nvidiaWithoutDocker: 'nvidia.enabled needs docker.enabled (the Container Toolkit registers its runtime with Docker)',
  imagesWithoutDocker: 'images.enabled with images to pull needs docker.enabled',
  offlinePyenv: 'python.method pyenv builds Python from sources fetched at first boot: an offline payload carries python-build-standalone archives (method static)',
  offlineUbuntuDrivers:
    'nvidia.driver.method ubuntu-drivers picks the driver on the machine at first boot: offline, name the driver package (method package) so the payload carries it',
  venvsWithoutPython: 'services.venvs is not empty but python.enabled is false',
  venvsWithoutUser: 'services.venvs is not empty but user.enabled is false (the venvs live in its home)',
  unknownNode: (name: string, suggest: string | undefined, some: string) =>
    `--node ${name}: no such node in the inventory${suggestion(suggest)}; nodes: ${some}`,
  unknownProfile: (name: string, suggest: string | undefined, some: string) =>
    `no profile named ${q(name)}${suggestion(suggest)}; profiles: ${some}`,
  onNodes: (message: string, nodes: readonly string[]) => `${message} (nodes: ${nodes.join(', ')})`,

  // --- boot media (bai-seed pxe, bai-seed iso)
  pxeNoMac: (host: string) => `${host} has no MAC address; no PXE boot files for it`,
  noPxeNode: 'no node has a MAC address: give nodes a `mac:` in the inventory to boot them over the network',
  kernelCmdline: (host: string, problem: string) => `${host}: kernel command line: ${problem}`,
  noMachineId: (host: string) =>
    `${host} has no MAC address or serial number; the installer ISO picks the node by them (give it a mac: or a serial:, or leave it out with --node)`,
} as const
