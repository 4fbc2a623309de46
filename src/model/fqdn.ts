// A node's full name: its host name in the cluster's domain. Built here only: the plan, the hosts block, the storage
// server match and the length check of validation all take it from this function.

export function fqdnOf(hostname: string, domain: string | undefined): string {
  return domain ? `${hostname}.${domain}` : hostname
}
