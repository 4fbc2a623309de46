// YAML outputs are built as objects and dumped here, with js-yaml, in one fixed style: block collections, no
// anchors, long lines kept whole (scripts inside write_files stay readable as literal blocks).
import { dump } from 'js-yaml'

export function dumpYaml(value: unknown): string {
  return dump(value, { noRefs: true, lineWidth: -1, flowLevel: -1 })
}

/** A cloud-config document: the required first line, a note that it is generated, then the YAML. */
export function cloudConfigText(value: unknown, note: string): string {
  return `#cloud-config\n# ${note.replace(/[\r\n]+/g, ' ')}\n${dumpYaml(value)}`
}
