// Backend.AI release lines and the Python each one runs on, with the python-build-standalone (PBS) release that
// Backend.AI's own scripts pin for that version: the one table every check and the python step read. Source:
// Backend.AI's repository (the compatibility table in src/ai/backend/README.md and the Python pins in pants.toml of
// each release branch).

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

export interface ReleaseRow {
  /** How the lines are written in messages: "24.12", "25.1 ... 25.5", "26.x". */
  label: string
  /** Year and first/last line number ("YY.MM" lines before 2025, "YY.N" since); last undefined: any number. */
  year: number
  first: number
  last?: number
  /** The Python version its pants.toml pins. */
  python: string
}

/** Release lines, oldest first. */
export const RELEASE_TABLE: readonly ReleaseRow[] = [
  { label: '22.03', year: 22, first: 3, last: 3, python: '3.10.9' },
  { label: '22.09', year: 22, first: 9, last: 9, python: '3.10.9' },
  { label: '23.03', year: 23, first: 3, last: 3, python: '3.11.3' },
  { label: '23.09', year: 23, first: 9, last: 9, python: '3.11.8' },
  { label: '24.03', year: 24, first: 3, last: 3, python: '3.12.2' },
  { label: '24.09', year: 24, first: 9, last: 9, python: '3.12.6' },
  { label: '24.12', year: 24, first: 12, last: 12, python: '3.12.8' },
  { label: '25.1 ... 25.5', year: 25, first: 1, last: 5, python: '3.12.8' },
  { label: '25.6 ... 25.12', year: 25, first: 6, last: 12, python: '3.13.3' },
  { label: '25.13 ... 25.16', year: 25, first: 13, last: 16, python: '3.13.7' },
  { label: '26.x', year: 26, first: 1, python: '3.13.7' },
]

/** Release line -> Python, or undefined for a line that does not exist. */
export function releaseLine(release: string): ReleaseLine | undefined {
  const m = /^(\d{2})\.(\d{1,2})$/.exec(release)
  if (!m) return undefined
  const year = Number(m[1])
  const n = Number(m[2])
  const row = RELEASE_TABLE.find((r) => r.year === year && n >= r.first && (r.last === undefined || n <= r.last))
  if (!row) return undefined
  const version = row.python
  return { minor: version.split('.').slice(0, 2).join('.'), pin: { version, release: PBS_RELEASES[version]![0]! } }
}

export const KNOWN_RELEASES_HINT = RELEASE_TABLE.map((r) => r.label).join(', ')
