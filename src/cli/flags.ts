// Flags shared by every command that reads the cluster: -c inventory, -o output folder, --profiles, --node.
// List flags have no default (oclif would print "[default: ]"); commands read a missing one as an empty list.
import { Args, Flags } from '#oclif'
import { InputError } from '../diagnostics/errors.js'

export const inventoryFlag = Flags.string({ char: 'c', description: 'cluster inventory file (or give it as the first argument)', default: 'cluster.yaml' })
export const outputFlag = Flags.string({ char: 'o', description: 'output folder', default: 'out' })
export const profilesFlag = Flags.string({
  description: 'folder of your own profiles (extend or override the shipped ones); repeatable, after those the inventory names',
  multiple: true,
})
export const nodeFlag = Flags.string({
  description: 'only these nodes (host names): repeat it, or separate names with commas (--node a,b)',
  multiple: true,
  delimiter: ',',
})
export const jsonFlag = Flags.boolean({ description: 'print the result as JSON on stdout (also when the run fails)' })

/** The inventory as a positional argument: `bai-seed validate cluster.yaml` is `bai-seed validate -c cluster.yaml`. */
export const inventoryArg = Args.string({ description: 'cluster inventory file (default: cluster.yaml, or -c FILE)' })

/** The inventory file named by the argument or by -c; both at once must agree. */
export function inventoryFile(args: { file?: string }, flags: { inventory: string }, argv: readonly string[]): string {
  if (args.file === undefined) return flags.inventory
  const gaveFlag = argv.some((a) => a === '-c' || a === '--inventory' || a.startsWith('--inventory=') || /^-c./.test(a))
  if (gaveFlag && flags.inventory !== args.file) {
    throw new InputError('FLAG', `the inventory is given twice (${args.file} and -c ${flags.inventory}): give one`)
  }
  return args.file
}
