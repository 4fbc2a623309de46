// Runs the host tools a payload build needs (apt-get, skopeo, gpg, ssh-keygen, tar): argument vectors only, never a
// shell. A failure becomes an OutputError naming the tool and the last lines it printed (exit 3).
import { spawn } from 'node:child_process'
import { OutputError } from '../diagnostics/errors.js'

export interface ToolResult {
  stdout: string
  stderr: string
}

export async function runTool(cmd: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (b: Buffer) => out.push(b))
    child.stderr.on('data', (b: Buffer) => err.push(b))
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(new OutputError('TOOL', cmd, e.code === 'ENOENT' ? `${cmd} is not installed (bai-seed payload needs it)` : e.message)),
    )
    child.on('close', (code) => {
      const stdout = Buffer.concat(out).toString('utf8')
      const stderr = Buffer.concat(err).toString('utf8')
      if (code === 0) resolve({ stdout, stderr })
      else {
        const tail = (stderr.trim() || stdout.trim()).split('\n').slice(-4).join(' | ')
        reject(new OutputError('TOOL', cmd, `${[cmd, ...args.slice(0, 3)].join(' ')} ... failed (exit ${code}): ${tail}`))
      }
    })
    // A tool that exits without reading its input closes the pipe: that is no error of ours (EPIPE).
    child.stdin.on('error', () => undefined)
    child.stdin.end(opts.input ?? '')
  })
}
