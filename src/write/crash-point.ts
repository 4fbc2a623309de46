// A test hook for the crash tests of the output folder: with BAI_SEED_TEST_CRASH_POINT=N the process kills itself
// (SIGKILL, as `kill -9` would) at the N-th crash point it passes, so a test can stop a render at every step of
// the switch from the old output to the new one. Without the variable it does nothing.
let passed = 0

export function crashPoint(): void {
  const at = process.env.BAI_SEED_TEST_CRASH_POINT
  if (at === undefined) return
  passed++
  if (passed === Number(at)) process.kill(process.pid, 'SIGKILL')
}
