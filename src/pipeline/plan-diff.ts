// `bai-seed plan --diff`: what a render would change in the output folder, per node: which files differ from the
// last render and which steps (by their digest, recorded in the rendered provision.sh) would run again.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { NodePlan } from '../model/plan.js'
import { artifactBytes, renderNode } from '../render/render-node.js'
import { readNodeKey } from '../serve/node-token.js'
import { reportUrlOf } from '../fleet/report-url.js'

export interface NodeDiff {
  hostname: string
  /** No provision.sh from an earlier render in the output folder. */
  fresh: boolean
  changedFiles: string[]
  newFiles: string[]
  changedSteps: string[]
  addedSteps: string[]
  removedSteps: string[]
  /** Files and steps that depend on the password, not compared because it was not read. */
  unknownFiles: string[]
  unknownSteps: string[]
}

function readBytes(path: string): Buffer | undefined {
  try {
    return readFileSync(path)
  } catch {
    return undefined
  }
}

const readText = (path: string): string | undefined => readBytes(path)?.toString('utf8')

/** The step digests of a rendered provision.sh: `declare -Ar STEP_DIGEST=([id]=digest ...)`. */
function stepDigests(script: string): Map<string, string> {
  const line = /^declare -Ar STEP_DIGEST=\((.*)\)$/m.exec(script)?.[1] ?? ''
  return new Map([...line.matchAll(/\[([^\]]+)\]=(\S+)/g)].map((m) => [m[1]!.replace(/'/g, ''), m[2]!.replace(/'/g, '')]))
}

/**
 * `other`: when the password was not read, the same plans made with another stand-in for it; a file or step that
 * differs between the two depends on the password and is reported as not compared.
 */
export function diffPlans(plans: readonly NodePlan[], outDir: string, other?: readonly NodePlan[]): NodeDiff[] {
  // Reporting nodes' files carry their report URL, made with the folder's key (none yet: they would all change).
  const key = plans.some((p) => p.reporting) ? readNodeKey(outDir) : null
  return plans.map((plan, i) => {
    const dir = join(outDir, plan.hostname)
    const diff: NodeDiff = {
      hostname: plan.hostname, fresh: false, changedFiles: [], newFiles: [], changedSteps: [], addedSteps: [], removedSteps: [],
      unknownFiles: [], unknownSteps: [],
    }
    const alt = other?.[i]
    const altBytes = new Map(alt ? renderNode(alt, reportUrlOf(alt, key)).map((a) => [a.path, artifactBytes(a)]) : [])
    for (const a of renderNode(plan, reportUrlOf(plan, key))) {
      const old = readBytes(join(dir, a.path))
      const bytes = artifactBytes(a)
      const altOf = altBytes.get(a.path)
      const dependsOnPassword = alt !== undefined && (altOf === undefined || Buffer.compare(altOf, bytes) !== 0)
      if (old === undefined) diff.newFiles.push(a.path)
      else if (dependsOnPassword) diff.unknownFiles.push(a.path)
      else if (!old.equals(bytes)) diff.changedFiles.push(a.path)
    }
    const script = readText(join(dir, 'provision.sh'))
    if (script === undefined) {
      diff.fresh = true
      return diff
    }
    const before = stepDigests(script)
    for (const s of plan.steps) {
      const was = before.get(s.id)
      if (was === undefined) diff.addedSteps.push(s.id)
      else if (alt && alt.steps.find((t) => t.id === s.id)?.digest !== s.digest) diff.unknownSteps.push(s.id)
      else if (was !== s.digest) diff.changedSteps.push(s.id)
    }
    diff.removedSteps = [...before.keys()].filter((id) => !plan.steps.some((s) => s.id === id))
    return diff
  })
}

export function formatDiffs(diffs: readonly NodeDiff[], outDir: string): string {
  const lines: string[] = []
  for (const d of diffs) {
    if (d.fresh) {
      lines.push(`${d.hostname}: not rendered in ${outDir}/ yet; a render writes ${d.newFiles.length} files`)
      continue
    }
    const unknown = d.unknownFiles.length
      ? `; not compared without the password: ${d.unknownFiles.join(', ')}${d.unknownSteps.length ? ` (step ${d.unknownSteps.join(', ')})` : ''}`
      : ''
    if (!d.changedFiles.length && !d.newFiles.length) {
      lines.push(`${d.hostname}: unchanged${unknown}`)
      continue
    }
    lines.push(`${d.hostname}: would change ${[...d.changedFiles, ...d.newFiles.map((f) => `${f} (new)`)].join(', ')}${unknown}`)
    if (d.changedSteps.length) lines.push(`  steps that run again on a provisioned node: ${d.changedSteps.join(', ')}`)
    if (d.addedSteps.length) lines.push(`  new steps: ${d.addedSteps.join(', ')}`)
    if (d.removedSteps.length) lines.push(`  steps no longer planned: ${d.removedSteps.join(', ')}`)
  }
  return lines.join('\n') + '\n'
}
