// `node dist/bench/seed-isos.js <rendered-out> <iso-dir>`: one NoCloud seed ISO per rendered node from its
// cloud-init/ folder, with our writer in one process (what render does), to set against a cloud-localds loop.
import { readdirSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { writeIso } from '../src/iso9660/index.js'

const [renderedDir, isoDir] = process.argv.slice(2)
if (!renderedDir || !isoDir) {
  process.stderr.write('usage: seed-isos.js <rendered-out> <iso-dir>\n')
  process.exit(2)
}
await mkdir(isoDir, { recursive: true })
const nodes = readdirSync(renderedDir, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.'))
for (const node of nodes.map((e) => e.name).sort()) {
  await writeIso({ sourceDir: join(renderedDir, node, 'cloud-init'), outFile: join(isoDir, `${node}.iso`) })
}
