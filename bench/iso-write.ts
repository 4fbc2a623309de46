// `node dist/bench/iso-write.js <folder> <image>`: our ISO writer as a process of its own, so that it is timed and
// its peak memory measured the same way as xorriso, genisoimage and cp.
import { writeIso } from '../src/iso9660/index.js'

const [sourceDir, outFile] = process.argv.slice(2)
if (!sourceDir || !outFile) {
  process.stderr.write('usage: iso-write.js <folder> <image>\n')
  process.exit(2)
}
await writeIso({ sourceDir, outFile, volumeId: 'bench' })
