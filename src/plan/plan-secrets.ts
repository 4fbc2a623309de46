// Which parts of a node's plan are secrets, so that every file carrying them is readable by its owner only (0600 on
// disk, in the seed ISOs' Rock Ridge modes and in bundles) and `serve` hands it only to its node: the password hash,
// and credentials anywhere in the plan (a proxy, mirror or registry URL with user:password@, or a value under a
// key that names a password, token or secret).
import type { NodePlan } from '../model/plan.js'

const URL_CREDENTIALS = /[a-z][a-z0-9+.-]*:\/\/[^/\s@:]+:[^/\s@]*@/i
const SECRET_KEY = /passw(or)?d|secret|token|credential|auth(?!orized)/i

/** A string that is a secret: any non-empty value under a secret key, or a URL with credentials. */
function isSecretString(value: string, underSecretKey: boolean): boolean {
  if (underSecretKey) return value !== ''
  // Most strings hold no URL: skip the regular expression for them (a large render asks this of every value).
  return value.includes('://') && URL_CREDENTIALS.test(value)
}

/** Dotted paths of the secrets in `plan` (values are never returned). */
export function secretPaths(plan: NodePlan): string[] {
  const found: string[] = []
  const walk = (value: unknown, path: string, secretKey: boolean): void => {
    if (typeof value === 'string') {
      if (isSecretString(value, secretKey)) found.push(path)
    } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`, secretKey))
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k, secretKey || SECRET_KEY.test(k))
    }
  }
  walk(plan, '', false)
  return found
}

/** Whether secretPaths(plan) is not empty, without making the paths, and stopping at the first secret. */
export function planHoldsSecrets(plan: NodePlan): boolean {
  const holds = (value: unknown, secretKey: boolean): boolean => {
    if (typeof value === 'string') return isSecretString(value, secretKey)
    if (Array.isArray(value)) return value.some((v) => holds(v, secretKey))
    if (value && typeof value === 'object') {
      for (const k in value) {
        if (Object.hasOwn(value, k) && holds((value as Record<string, unknown>)[k], secretKey || SECRET_KEY.test(k))) return true
      }
    }
    return false
  }
  return holds(plan, false)
}
