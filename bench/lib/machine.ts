// What the figures were measured on: CPU, cores, memory, Node, the disk under bench/work, and the load average.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { basename } from 'node:path'
import os from 'node:os'

export interface Machine {
  cpuModel: string
  cores: number
  memoryGiB: number
  node: string
  kernel: string
  disk: { device: string; fsType: string; rotational: boolean | null; ext4Journal: boolean | null }
}

function disk(path: string): Machine['disk'] {
  const r = spawnSync('df', ['--output=source,fstype', path], { encoding: 'utf8' })
  const [device = 'unknown', fsType = 'unknown'] = (r.stdout ?? '').trim().split('\n')[1]?.trim().split(/\s+/) ?? []
  // /dev/vda -> /sys/block/vda; a partition (vda1) reports through its parent.
  const name = basename(device).replace(/p?\d+$/, '')
  const flag = [`/sys/block/${basename(device)}/queue/rotational`, `/sys/block/${name}/queue/rotational`].find((f) => existsSync(f))
  // Without a journal, ext4 skips inodes freed in the last 60-360 s when it creates files (fs/ext4/ialloc.c,
  // recently_deleted), so creating many files soon after deleting many is much slower: worth knowing.
  const journalTask = `/sys/fs/ext4/${basename(device)}/journal_task`
  const ext4Journal = fsType === 'ext4' && existsSync(journalTask) ? readFileSync(journalTask, 'utf8').trim() !== '<none>' : null
  return { device, fsType, rotational: flag ? readFileSync(flag, 'utf8').trim() === '1' : null, ext4Journal }
}

export function describeMachine(workPath: string): Machine {
  return {
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
    disk: disk(workPath),
  }
}

export function loadAverage(): [number, number, number] {
  const [a = 0, b = 0, c = 0] = os.loadavg()
  return [a, b, c].map((x) => Math.round(x * 100) / 100) as [number, number, number]
}
