// Credentials in URLs as `plan` shows them: a proxy or mirror URL with user:password@ keeps its user name and shows
// the password as ****; a URL whose user part alone is the credential (a token) shows ****. `plan`, `plan --json`
// and `plan --diff` print nothing else of a secret (the password hash is never part of what they print).

const URL_USERINFO = /([a-z][a-z0-9+.-]*:\/\/)([^/\s@:]*)(:[^/\s@]*)?@/gi

/** `text` with the credentials of every URL in it masked. */
export function maskCredentials(text: string): string {
  if (!text.includes('://')) return text
  return text.replace(URL_USERINFO, (_all, scheme: string, user: string, password: string | undefined) =>
    password === undefined ? `${scheme}****@` : `${scheme}${user}:****@`,
  )
}

/**
 * `value` (JSON data) with maskCredentials applied to every string in it, keys left as they are. Parts without a
 * credential are returned as they are (no copy: `plan --json` of 10,000 nodes describes every node).
 */
export function maskDeep<T>(value: T): T {
  if (typeof value === 'string') return maskCredentials(value) as T
  if (Array.isArray(value)) {
    let out: unknown[] | undefined
    value.forEach((v, i) => {
      const m = maskDeep(v)
      if (m !== v) (out ??= [...value])[i] = m
    })
    return (out ?? value) as T
  }
  if (value && typeof value === 'object') {
    let out: Record<string, unknown> | undefined
    for (const [k, v] of Object.entries(value)) {
      const m = maskDeep(v)
      if (m !== v) (out ??= { ...(value as Record<string, unknown>) })[k] = m
    }
    return (out ?? value) as T
  }
  return value
}
