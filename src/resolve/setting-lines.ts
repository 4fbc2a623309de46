// Resolved settings as people read them: one line per leaf value, `key = value  <- source`, where source is the
// profile (with its folder when it is not a shipped one) or node override that set it.
import type { Origin } from '../model/resolved.js'

export function settingLines(settings: Record<string, unknown>, origins: ReadonlyMap<string, Origin>, prefix: string[] = []): string[] {
  const lines: string[] = []
  const walk = (value: unknown, path: string[]): void => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length) {
      for (const [k, v] of Object.entries(value)) walk(v, [...path, k])
      return
    }
    const key = path.join('.')
    let origin = origins.get(key)
    for (let i = path.length - 1; !origin && i > 0; i--) origin = origins.get(path.slice(0, i).join('.'))
    lines.push(`${key} = ${JSON.stringify(value)}  <- ${origin?.source ?? 'default'}`)
  }
  for (const [k, v] of Object.entries(settings)) walk(v, [...prefix, k])
  return lines
}
