// Streams an image to disk: the head (descriptors, path tables, directories) and then every file's contents in
// extent order, read in large chunks straight into one of two buffers while the other is being written. Memory
// use is two chunks whatever the file sizes. Chunks that are all zero are skipped and the file is sized with
// ftruncate at the end, so holes in sources (and sector padding) stay holes in the image.

import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises'
import { dirname } from 'node:path'
import { SECTOR_SIZE } from './constants.js'
import { IsoWriteError } from './errors.js'
import type { ImageLayout, PlacedFile } from './layout.js'

/**
 * Bytes per read and per write; a multiple of the sector size. 1 MiB keeps each buffer within a core's L2 cache
 * while the kernel copies into and out of it: on a 2-core EPYC VM, 1 GiB copies in about 0.45 s with 1 MiB
 * chunks and 1.2-2 s with 2-4 MiB chunks, whose copies go through memory.
 */
export const CHUNK_SIZE = 1024 * 1024

let zeros: Buffer | null = null

function isAllZero(buf: Buffer, length: number): boolean {
  zeros ??= Buffer.alloc(CHUNK_SIZE)
  return buf.compare(zeros, 0, length, 0, length) === 0
}

async function writeAll(fh: FileHandle, buf: Buffer, length: number, position: number): Promise<void> {
  let done = 0
  while (done < length) {
    const { bytesWritten } = await fh.write(buf, done, length - done, position + done)
    done += bytesWritten
  }
}

/** A sequential writer over positional writes: fills a chunk, hands it to the kernel, fills the other. */
class ChunkedSink {
  private readonly bufs = [Buffer.allocUnsafe(CHUNK_SIZE), Buffer.allocUnsafe(CHUNK_SIZE)]
  private cur = 0
  private fill = 0
  private base = 0
  private pending: Promise<void> | null = null

  constructor(private readonly out: FileHandle) {}

  get position(): number {
    return this.base + this.fill
  }

  private async rotate(): Promise<void> {
    const buf = this.bufs[this.cur]
    const length = this.fill
    const position = this.base
    // The other buffer is free only once its write has finished.
    if (this.pending) await this.pending
    this.pending = length > 0 && !isAllZero(buf, length) ? writeAll(this.out, buf, length, position) : null
    // Awaited on the next rotation; this only keeps an early failure from being reported as unhandled.
    this.pending?.catch(() => {})
    this.cur ^= 1
    this.base += length
    this.fill = 0
  }

  async put(data: Buffer): Promise<void> {
    let at = 0
    while (at < data.length) {
      if (this.fill === CHUNK_SIZE) await this.rotate()
      const n = Math.min(CHUNK_SIZE - this.fill, data.length - at)
      data.copy(this.bufs[this.cur], this.fill, at, at + n)
      this.fill += n
      at += n
    }
  }

  /** Reads `size` bytes of a file into the chunks; refuses a file that is not the size it had when planned. */
  async copyFrom(path: string | Buffer, size: number, offset = -1): Promise<void> {
    const src = await open(path, 'r')
    const where = JSON.stringify(path.toString())
    const slice = offset >= 0
    const base = slice ? offset : 0
    try {
      const st = await src.stat()
      if (!st.isFile() || (slice ? st.size < offset + size : st.size !== size)) {
        throw new IsoWriteError('SOURCE_CHANGED', `${where} changed while the image was written (was ${size} bytes)`)
      }
      let done = 0
      while (done < size) {
        if (this.fill === CHUNK_SIZE) await this.rotate()
        const want = Math.min(CHUNK_SIZE - this.fill, size - done)
        const { bytesRead } = await src.read(this.bufs[this.cur], this.fill, want, base + done)
        if (bytesRead === 0) {
          throw new IsoWriteError('SOURCE_CHANGED', `${where} shrank while the image was written (was ${size} bytes)`)
        }
        this.fill += bytesRead
        done += bytesRead
      }
    } finally {
      await src.close()
    }
  }

  /** Zero bytes up to the next sector boundary (the buffers are reused, so padding is written explicitly). */
  async padToSector(): Promise<void> {
    const rest = (SECTOR_SIZE - (this.position % SECTOR_SIZE)) % SECTOR_SIZE
    if (rest === 0) return
    // CHUNK_SIZE is a multiple of SECTOR_SIZE, so the padding never spans two chunks.
    this.bufs[this.cur].fill(0, this.fill, this.fill + rest)
    this.fill += rest
  }

  async finish(): Promise<void> {
    await this.rotate()
    if (this.pending) await this.pending
    this.pending = null
  }
}

async function writeFileContents(sink: ChunkedSink, f: PlacedFile): Promise<void> {
  if (sink.position !== f.extent * SECTOR_SIZE) {
    throw new Error(`internal: file data at byte ${sink.position}, planned at sector ${f.extent}`)
  }
  if (f.node.source.kind === 'data') await sink.put(f.node.source.data)
  else if (f.node.source.kind === 'slice') await sink.copyFrom(f.node.source.path, f.size, f.node.source.offset)
  else await sink.copyFrom(f.node.source.path, f.size)
  await sink.padToSector()
}

/** Streams the image into an open file handle, which must be empty (holes read back as zeros). */
async function streamImage(layout: ImageLayout, out: FileHandle): Promise<void> {
  const sink = new ChunkedSink(out)
  await sink.put(layout.head)
  for (const f of layout.files) if (f.size > 0) await writeFileContents(sink, f)
  if (layout.tail) await sink.put(layout.tail)
  await sink.finish()
  if (sink.position !== layout.size) throw new Error(`internal: wrote ${sink.position} bytes, planned ${layout.size}`)
  await out.truncate(layout.size)
}

/** Writes to a temporary file next to `outFile` and renames it into place; a failed write leaves nothing. */
export async function writeImageFile(layout: ImageLayout, outFile: string): Promise<void> {
  await mkdir(dirname(outFile), { recursive: true })
  const temp = `${outFile}.${process.pid}.partial`
  const out = await open(temp, 'w')
  try {
    await streamImage(layout, out)
    await out.close()
    await rename(temp, outFile)
  } catch (err) {
    await out.close().catch(() => {})
    await rm(temp, { force: true })
    throw err
  }
}
