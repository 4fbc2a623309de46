// The README's benchmark table, rewritten by a complete run: the goals with what this run measured, between two
// marker lines of README.md, so that the table always shows the latest full run and the machine it ran on.
import { readFileSync, writeFileSync } from 'node:fs'
import type { Goal } from './goals.js'
import type { Machine } from './machine.js'

export const TABLE_BEGIN = '<!-- bench:begin (written by npm run bench; do not edit) -->'
export const TABLE_END = '<!-- bench:end -->'

const cell = (text: string): string => text.replace(/\|/g, '\\|')

export function goalsTable(goals: Goal[], when: Date, machine: Machine, load: { start: number[]; end: number[] }): string {
  const lines = [
    `Latest full run: ${when.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${machine.cpuModel}, ${machine.cores} cores, ` +
      `${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.disk.fsType}; load average ${load.start[0]} at start, ` +
      `${load.end[0]} at end (figures under load are not comparable). Medians; every figure in \`bench/results.json\`.`,
    '',
    '| goal | measured | result |',
    '|---|---|---|',
    ...goals.filter((g) => g.status !== 'N/A').map((g) => `| ${cell(g.goal)} | ${cell(g.measured)} | ${g.status === 'PASS' ? 'met' : 'missed'} |`),
  ]
  return lines.join('\n')
}

/** Replaces the text between the markers; false when README.md has no markers (then nothing is written). */
export function updateReadme(readme: string, table: string): boolean {
  const text = readFileSync(readme, 'utf8')
  const begin = text.indexOf(TABLE_BEGIN)
  const end = text.indexOf(TABLE_END)
  if (begin < 0 || end < begin) return false
  writeFileSync(readme, `${text.slice(0, begin + TABLE_BEGIN.length)}\n${table}\n${text.slice(end)}`)
  return true
}
