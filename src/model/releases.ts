// Backend.AI release lines and the Python each one runs on, with the python-build-standalone (PBS) release that
// Backend.AI's own scripts pin for that version. Source: Backend.AI's repository (the compatibility table in
// src/ai/backend/README.md and the Python pins in pants.toml of each release branch).

export interface PythonPin {
  /** Full version, e.g. 3.12.6. */
  version: string
  /** PBS release tag, YYYYMMDD. */
  release: string
}

export interface ReleaseLine {
  /** Python minor version the release line supports, e.g. 3.12. */
  minor: string
  pin: PythonPin
}

/** Known PBS releases per Python version (version -> release tags that carry it). */
export const PBS_RELEASES: Record<string, string[]> = {
  '3.10.9': ['20221220'],
  '3.11.3': ['20230507'],
  '3.11.8': ['20240224'],
  '3.12.2': ['20240224'],
  '3.12.4': ['20240713'],
  '3.12.6': ['20240909'],
  '3.12.8': ['20241219'],
  '3.13.3': ['20250409'],
  '3.13.7': ['20250818', '20250828', '20250902', '20250918'],
}

function line(minor: string, version: string): ReleaseLine {
  return { minor, pin: { version, release: PBS_RELEASES[version]![0]! } }
}

/** Release line -> Python. Lines are "YY.MM" (22.03 ... 24.09) or "YY.N" (25.1 ... 25.16, 26.x). */
export function releaseLine(release: string): ReleaseLine | undefined {
  const m = /^(\d{2})\.(\d{1,2})$/.exec(release)
  if (!m) return undefined
  const year = Number(m[1])
  const n = Number(m[2])
  if (year === 22 && (n === 3 || n === 9)) return line('3.10', '3.10.9')
  if (year === 23 && n === 3) return line('3.11', '3.11.3')
  if (year === 23 && n === 9) return line('3.11', '3.11.8')
  if (year === 24 && n === 3) return line('3.12', '3.12.2')
  if (year === 24 && n === 9) return line('3.12', '3.12.6')
  if (year === 25 && n >= 1 && n <= 5) return line('3.12', '3.12.8')
  if (year === 25 && n >= 6 && n <= 12) return line('3.13', '3.13.3')
  if ((year === 25 && n >= 13 && n <= 20) || year === 26) return line('3.13', '3.13.7')
  return undefined
}

export const KNOWN_RELEASES_HINT = '22.03, 22.09, 23.03, 23.09, 24.03, 24.09, 25.1 ... 25.20, 26.x'
