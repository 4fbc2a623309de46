// A source folder with what seed images must carry (cloud-init files) and what stresses the name mappings:
// long names, Unicode up to astral-plane emoji, folders 12 levels deep, 2000 files in one folder, empty files and
// folders, level 1 and Joliet collisions, and a binary file larger than the writer's 1 MiB chunks.
import { chmod, lstat, mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export const SEED_FILES: Record<string, string> = {
  'user-data': '#cloud-config\nhostname: node-1\n',
  'meta-data': 'instance-id: node-1\nlocal-hostname: node-1\n',
  'network-config': 'version: 2\nethernets: {}\n',
}

export const DEEP_PATH = Array.from({ length: 12 }, (_, i) => `level-${i + 1}`).join('/')
export const LONG_NAMES = [
  'long-' + 'l'.repeat(200) + '.yaml',
  'L'.repeat(255),
  'shared-prefix-' + 's'.repeat(60) + '-first.txt',
  'shared-prefix-' + 's'.repeat(60) + '-second.txt',
]
export const UNICODE_NAMES = ['ünïcödé-ファイル.txt', 'emoji-😀🎉-' + '😀'.repeat(40) + '.txt', 'Ελληνικά και 中文']

/** Deterministic bytes that are not all alike (a 32-bit LCG). */
export function pseudoRandom(length: number, seed = 1): Buffer {
  const out = Buffer.alloc(length)
  let x = seed >>> 0
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0
    out[i] = x >>> 24
  }
  return out
}

async function put(root: string, path: string, content: string | Buffer): Promise<void> {
  const full = join(root, path)
  await mkdir(join(full, '..'), { recursive: true })
  await writeFile(full, content)
}

export async function writeSeedFiles(root: string): Promise<void> {
  for (const [name, text] of Object.entries(SEED_FILES)) await put(root, name, text)
  await normalizeModes(root)
}

export async function writeFixture(root: string, manyFiles = 2000): Promise<void> {
  await writeSeedFiles(root)
  await put(root, 'nested/a/b/config.yaml', 'a: 1\n')
  await put(root, 'nested/empty-too', '')
  await put(root, 'empty', '')
  await mkdir(join(root, 'hollow'), { recursive: true })
  await put(root, `${DEEP_PATH}/leaf.txt`, 'deep\n')
  for (const name of [...LONG_NAMES, ...UNICODE_NAMES]) await put(root, `names/${name}`, name + '\n')
  for (const name of ['README', 'readme', 'Readme.md', 'with space.txt', '.hidden', 'archive.tar.gz']) {
    await put(root, `names/${name}`, name)
  }
  for (let i = 0; i < manyFiles; i++) await put(root, `many/file-${String(i).padStart(4, '0')}.txt`, `${i}\n`)
  await put(root, 'data/random.bin', pseudoRandom(5 * 1024 * 1024 + 7))
  await put(root, 'data/sector-exact.bin', pseudoRandom(2048, 2))
  await normalizeModes(root)
}

/** 0644 / 0755 on disk, so that tools that copy modes from disk (genisoimage -rock) agree with our defaults. */
async function normalizeModes(dir: string): Promise<void> {
  await chmod(dir, 0o755)
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name)
    if (entry.isDirectory()) await normalizeModes(p)
    else await chmod(p, 0o644)
  }
}

export interface TreeEntry {
  type: 'file' | 'dir'
  size: number
}

/** Every path below `dir` ("/a/b"), with its type and size. */
export async function listTree(dir: string, prefix = ''): Promise<Map<string, TreeEntry>> {
  const out = new Map<string, TreeEntry>()
  for (const name of (await readdir(dir)).sort()) {
    const p = join(dir, name)
    const st = await lstat(p)
    if (st.isDirectory()) {
      out.set(`${prefix}/${name}`, { type: 'dir', size: 0 })
      for (const [k, v] of await listTree(p, `${prefix}/${name}`)) out.set(k, v)
    } else {
      out.set(`${prefix}/${name}`, { type: 'file', size: st.size })
    }
  }
  return out
}

/** Differences between two folders: missing or extra paths, other types, other bytes. Empty when identical. */
export async function compareTrees(expected: string, actual: string): Promise<string[]> {
  const a = await listTree(expected)
  const b = await listTree(actual)
  const diffs: string[] = []
  for (const [path, e] of a) {
    const f = b.get(path)
    if (!f) diffs.push(`missing ${path}`)
    else if (f.type !== e.type) diffs.push(`type of ${path}`)
    else if (e.type === 'file' && !(await readFile(join(expected, path))).equals(await readFile(join(actual, path)))) {
      diffs.push(`content of ${path}`)
    }
  }
  for (const path of b.keys()) if (!a.has(path)) diffs.push(`extra ${path}`)
  return diffs
}
