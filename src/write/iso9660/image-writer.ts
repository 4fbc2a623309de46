// Streams an image to disk: the head (descriptors, path tables, directories) and then every file's contents in
// extent order, read straight into one buffer with pread and written from it with pwrite, the way genisoimage does.
// Memory use is one chunk whatever the file sizes. Chunks that are all zero are skipped and the file is sized with
// ftruncate at the end, so holes in sources (and sector padding) stay holes in the image.
//
// Why synchronous calls on one small buffer (issue 14, profiled on the 1 GiB payload of `npm run bench`): the
// process is idle while the kernel copies (page cache to buffer, buffer to page cache); the JavaScript side costs
// nothing. What costs is (1) the size of the buffer: a chunk that stays in the core's cache between the read that
// fills it and the write that empties it halves the kernel's copy time (on the 2-core EPYC VM: 0.5 s of system
// time for 1 GiB with 128 KiB chunks, 1-3 s with 1 MiB); (2) the thread-pool hop of each asynchronous call,
// about 40 us of CPU a call, and two calls in flight on two threads fight over the cache and the cores of a
// loaded machine (the former double-buffered 1 MiB writer took 1.8-3.9 s of CPU under load). Node exposes no
// copy_file_range or sendfile with an output offset, so the kernel's two copies are the floor here, as for
// genisoimage. The writer yields to the event loop every YIELD_BYTES so that timers and signals are served.

import { mkdir, rename, rm } from 'node:fs/promises'
import { closeSync, fstatSync, ftruncateSync, openSync, readSync, rmSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { SECTOR_SIZE } from './constants.js'
import { IsoWriteError } from './errors.js'
import type { ImageLayout, PlacedFile } from './layout.js'

/** Bytes per read and per write; a multiple of the sector size, small enough to stay in a core's L2 cache. */
export const CHUNK_SIZE = 128 * 1024

/** Bytes written between two turns of the event loop. */
const YIELD_BYTES = 64 * 1024 * 1024

const zeros = Buffer.alloc(CHUNK_SIZE)

function isAllZero(buf: Buffer, length: number): boolean {
  // memcmp: stops at the first byte that differs, so data chunks cost next to nothing here.
  return buf.compare(zeros, 0, length, 0, length) === 0
}

function writeAll(fd: number, buf: Buffer, length: number, position: number): void {
  let done = 0
  while (done < length) done += writeSync(fd, buf, done, length - done, position + done)
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** A sequential writer over positional writes: fills the chunk, hands it to the kernel, fills it again. */
class ChunkedSink {
  private readonly buf = Buffer.allocUnsafe(CHUNK_SIZE)
  private fill = 0
  private base = 0
  private sinceTurn = 0

  constructor(private readonly out: number) {}

  get position(): number {
    return this.base + this.fill
  }

  /** Writes the chunk (unless all zero) and starts the next one; yields to the event loop now and then. */
  private async flush(): Promise<void> {
    if (this.fill > 0 && !isAllZero(this.buf, this.fill)) writeAll(this.out, this.buf, this.fill, this.base)
    this.base += this.fill
    this.sinceTurn += this.fill
    this.fill = 0
    if (this.sinceTurn >= YIELD_BYTES) {
      this.sinceTurn = 0
      await nextTurn()
    }
  }

  async put(data: Buffer): Promise<void> {
    let at = 0
    while (at < data.length) {
      if (this.fill === CHUNK_SIZE) await this.flush()
      const n = Math.min(CHUNK_SIZE - this.fill, data.length - at)
      data.copy(this.buf, this.fill, at, at + n)
      this.fill += n
      at += n
    }
  }

  /** Reads `size` bytes of a file into the chunk; refuses a file that is not the size it had when planned. */
  async copyFrom(path: string | Buffer, size: number, offset = -1): Promise<void> {
    const src = openSync(path, 'r')
    const where = JSON.stringify(path.toString())
    const slice = offset >= 0
    const base = slice ? offset : 0
    try {
      const st = fstatSync(src)
      if (!st.isFile() || (slice ? st.size < offset + size : st.size !== size)) {
        throw new IsoWriteError('SOURCE_CHANGED', `${where} changed while the image was written (was ${size} bytes)`)
      }
      let done = 0
      while (done < size) {
        if (this.fill === CHUNK_SIZE) await this.flush()
        const want = Math.min(CHUNK_SIZE - this.fill, size - done)
        const bytesRead = readSync(src, this.buf, this.fill, want, base + done)
        if (bytesRead === 0) {
          throw new IsoWriteError('SOURCE_CHANGED', `${where} shrank while the image was written (was ${size} bytes)`)
        }
        this.fill += bytesRead
        done += bytesRead
      }
    } finally {
      closeSync(src)
    }
  }

  /** Zero bytes up to the next sector boundary (the buffer is reused, so padding is written explicitly). */
  padToSector(): void {
    const rest = (SECTOR_SIZE - (this.position % SECTOR_SIZE)) % SECTOR_SIZE
    if (rest === 0) return
    // CHUNK_SIZE is a multiple of SECTOR_SIZE, so the padding never spans two chunks.
    this.buf.fill(0, this.fill, this.fill + rest)
    this.fill += rest
  }

  async finish(): Promise<void> {
    await this.flush()
  }
}

async function writeFileContents(sink: ChunkedSink, f: PlacedFile): Promise<void> {
  if (sink.position !== f.extent * SECTOR_SIZE) {
    throw new Error(`internal: file data at byte ${sink.position}, planned at sector ${f.extent}`)
  }
  if (f.node.source.kind === 'data') await sink.put(f.node.source.data)
  else if (f.node.source.kind === 'slice') await sink.copyFrom(f.node.source.path, f.size, f.node.source.offset)
  else await sink.copyFrom(f.node.source.path, f.size)
  sink.padToSector()
}

/** Streams the image into an open file, which must be empty (holes read back as zeros). */
async function streamImage(layout: ImageLayout, out: number): Promise<void> {
  const sink = new ChunkedSink(out)
  await sink.put(layout.head)
  for (const f of layout.files) if (f.size > 0) await writeFileContents(sink, f)
  if (layout.tail) await sink.put(layout.tail)
  await sink.finish()
  if (sink.position !== layout.size) throw new Error(`internal: wrote ${sink.position} bytes, planned ${layout.size}`)
  ftruncateSync(out, layout.size)
}

/**
 * Writes to a temporary file next to `outFile` and renames it into place; a failed write leaves nothing. `mode`: the
 * new file's mode (0o600 for an image holding secrets), from its creation on.
 */
export async function writeImageFile(layout: ImageLayout, outFile: string, mode = 0o666): Promise<void> {
  await mkdir(dirname(outFile), { recursive: true })
  const temp = `${outFile}.${process.pid}.partial`
  rmSync(temp, { force: true })
  const out = openSync(temp, 'wx', mode)
  let open = true
  try {
    await streamImage(layout, out)
    open = false
    closeSync(out)
    await rename(temp, outFile)
  } catch (err) {
    if (open) {
      try {
        closeSync(out)
      } catch {
        // already failing: the first error is the one to report
      }
    }
    await rm(temp, { force: true })
    throw err
  }
}
