// The commented starter inventory that `bai-seed init` writes. It validates clean against the shipped profiles once
// it has an SSH key (without one, validation warns that nobody can log in). Comments explain each field; the
// schema (schemas/inventory.schema.json) is the full reference.

export interface StarterOptions {
  /** Value of the `# yaml-language-server: $schema=` line (path or URL of inventory.schema.json); omitted if absent. */
  schemaRef?: string
  /** Public key lines for ssh.authorized_keys (e.g. the content of ~/.ssh/id_ed25519.pub). */
  authorizedKeys?: readonly string[]
}

export function starterInventory(opts: StarterOptions = {}): string {
  const keys = opts.authorizedKeys ?? []
  // Double-quoted YAML is JSON-compatible, so JSON.stringify quotes a key line safely whatever its comment holds.
  const keyLines =
    keys.length === 0
      ? '  authorized_keys: []       # add your public key here: - ssh-ed25519 AAAA... you@host\n'
      : '  authorized_keys:\n' + keys.map((k) => `    - ${JSON.stringify(k.trim())}\n`).join('')
  const modeline = opts.schemaRef ? `# yaml-language-server: $schema=${opts.schemaRef}\n` : ''
  return `${modeline}# bai-seed cluster inventory. Edit it, then run: bai-seed validate && bai-seed render
# Every field is described in the JSON Schema (inventory.schema.json); editors with the YAML language server
# complete and check it through the line above.

cluster:
  name: my-cluster          # lowercase letters, digits and "-"
  domain: cluster.internal  # each node is <hostname>.<domain>
  release: "24.09"          # Backend.AI release line, quoted; picks the Python version
  os: ubuntu-22.04          # Ubuntu release of every node: ubuntu-20.04 | ubuntu-22.04 | ubuntu-24.04 (a node's own os: overrides it)
  locale: en_US.UTF-8
  keyboard: us
  timezone: UTC

network:
  subnet: 10.20.30.0/24     # every node address must be inside it, with the same prefix
  gateway: 10.20.30.1
  dns: [10.20.30.1]
  search: [cluster.internal]

# Shared storage, mounted at /vfroot/<name> on every node. For one machine use:  storage: {type: local}
storage:
  type: nfs
  server: 10.20.30.5
  exports:
    - name: data
      path: /export/backendai/data

# Mirrors and proxy for sites without direct internet access (all optional):
#   apt, docker_apt, pypi: URLs; registry: host:port; docker_hub: [URLs]; proxy: URL; no_proxy: [hosts, .domains, CIDRs]
mirrors: {}

ssh:
${keyLines}  allow_password: false

# The service account's password. Without this section it is locked (log in with the SSH keys above).
# Give exactly one of:
#   hash: "$6$..."            a crypt hash (mkpasswd -m sha-512)
#   env: BAI_PASSWORD         an environment variable holding the plaintext, hashed at render time
#   file: secrets/password    a file next to this inventory holding the plaintext
# password:
#   env: BAI_PASSWORD

# The machines. roles are profile names: base, manager, agent, agent-gpu, storage, single-node, or your own
# (bai-seed profiles lists them).
nodes:
  - hostname: bai-m1
    ip: 10.20.30.10/24
    roles: [manager]
    mac: "52:54:00:20:30:10"  # optional: picks the interface to configure (quote it)
    comment: management node
  - hostname: bai-a01
    ip: 10.20.30.20/24
    roles: [agent-gpu]
    comment: GPU agent
    # Optional per node:
    # disk: {serial: "CT1000*"}   # install disk (default: the largest)
    # interface: eno1
    # os: ubuntu-24.04            # this node's Ubuntu release, instead of cluster.os
    # overrides:                  # settings on top of the roles, same shape as a profile's settings
    #   images:
    #     pull+: [cr.backend.ai/stable/python:3.9-ubuntu20.04]
`
}
