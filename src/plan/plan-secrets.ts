// Which parts of a node's plan are secrets, so that every file carrying them is readable by its owner only (0600 on
// disk, in the seed ISOs' Rock Ridge modes and in bundles) and `serve` hands it only to its node: the password hash,
// and credentials anywhere in the plan (a proxy, mirror or registry URL with user:password@, or a value under a
// key that names a password, token or secret).
import type { NodePlan } from '../model/plan.js'

const URL_CREDENTIALS = /[a-z][a-z0-9+.-]*:\/\/[^/\s@:]+:[^/\s@]*@/i
const SECRET_KEY = /passw(or)?d|secret|token|credential|auth(?!orized)/i

/** Dotted paths of the secrets in `plan` (values are never returned). */
export function secretPaths(plan: NodePlan): string[] {
  const found: string[] = []
  const walk = (value: unknown, path: string, secretKey: boolean): void => {
    if (typeof value === 'string') {
      if ((secretKey && value !== '') || URL_CREDENTIALS.test(value)) found.push(path)
    } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`, secretKey))
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k, secretKey || SECRET_KEY.test(k))
    }
  }
  walk(plan, '', false)
  return found
}

export function planHoldsSecrets(plan: NodePlan): boolean {
  return secretPaths(plan).length > 0
}
