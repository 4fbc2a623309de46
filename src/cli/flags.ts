// Flags shared by every command that reads the cluster: -c inventory, -o output folder, --profiles, --node.
import { Flags } from '@oclif/core'

export const inventoryFlag = Flags.string({ char: 'c', description: 'cluster inventory file', default: 'cluster.yaml' })
export const outputFlag = Flags.string({ char: 'o', description: 'output folder', default: 'out' })
export const profilesFlag = Flags.string({
  description: 'folder of your own profiles (extend or override the shipped ones); repeatable',
  multiple: true,
  default: [],
})
export const nodeFlag = Flags.string({ description: 'only this node (hostname); repeatable', multiple: true, default: [] })
export const jsonFlag = Flags.boolean({ description: 'print the result as JSON' })
