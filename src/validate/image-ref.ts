// Container image references, per the grammar of distribution/reference (reference.go, the grammar Docker uses):
//   reference := name [ ":" tag ] [ "@" digest ]
//   name      := [ domain "/" ] path-component ( "/" path-component )*
//   domain    := domain-component ( "." domain-component )* [ ":" port ]
//   path-component := [a-z0-9]+ ( separator [a-z0-9]+ )*,  separator := "." | "_" | "__" | "-"+
//   tag       := [A-Za-z0-9_] [A-Za-z0-9_.-]{0,127}
// The first component is a registry when it has a "." or ":" or is "localhost". Digests are limited to sha256 here.
import { M } from '../diagnostics/messages.js'

const DOMAIN_COMPONENT = /^([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])$/
const PATH_COMPONENT = /^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*$/
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/
const DIGEST = /^sha256:[0-9a-f]{64}$/
const NAME_MAX = 255

/** Why `ref` is not a valid image reference, or undefined if it is. */
export function imageRefProblem(ref: string): string | undefined {
  let rest = ref
  const at = rest.indexOf('@')
  if (at >= 0) {
    if (!DIGEST.test(rest.slice(at + 1))) return M.imageDigest
    rest = rest.slice(0, at)
  }
  const slash = rest.lastIndexOf('/')
  const colon = rest.lastIndexOf(':')
  // A ":" after the last "/" starts the tag; before it, it belongs to the registry's port.
  if (colon > slash) {
    if (!TAG.test(rest.slice(colon + 1))) return M.imageTag
    rest = rest.slice(0, colon)
  }
  if (rest.length === 0) return M.imageEmptyName
  if (rest.length > NAME_MAX) return M.imageNameTooLong
  const parts = rest.split('/')
  const first = parts[0]!
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost' || /[A-Z]/.test(first))) {
    const [host, port, ...extra] = first.split(':')
    if (extra.length > 0 || host === undefined || !host.split('.').every((c) => DOMAIN_COMPONENT.test(c))) return M.imageRegistry
    if (port !== undefined && (!/^[0-9]+$/.test(port) || Number(port) < 1 || Number(port) > 65535)) return M.imageRegistry
    parts.shift()
  }
  for (const p of parts) {
    if (p === '') return M.imageEmptyComponent
    if (/[A-Z]/.test(p)) return M.imageUppercase
    if (!PATH_COMPONENT.test(p)) return M.imagePathComponent(p)
  }
  return undefined
}
