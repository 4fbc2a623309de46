// The installed package's root folder (where templates/, profiles/ and schemas/ live), found from this module's
// location: dist/src/package-root.js sits two levels below it.
import { fileURLToPath } from 'node:url'
import { dirname, resolve } from 'node:path'

let root: string | undefined

export function packageRoot(): string {
  root ??= resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
  return root
}
