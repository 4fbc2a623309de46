// What a word of the Linux kernel command line can hold, whatever the boot loader. The kernel splits the command
// line at whitespace and treats double quotes specially (lib/cmdline.c, next_arg); GRUB's linux command
// backslash-escapes \ ' and " when it joins its arguments (grub-core/lib/cmdline.c), which the kernel does not undo;
// the initramfs scripts and cloud-init read /proc/cmdline and split it at whitespace. So a word is kept to
// printable ASCII without space, quotes and backslash, and the whole line to the x86 COMMAND_LINE_SIZE.

/** arch/x86/include/asm/setup.h: COMMAND_LINE_SIZE 2048, including the terminating NUL. */
export const KERNEL_CMDLINE_MAX = 2047

export function kernelWordProblem(word: string): string | null {
  if (word === '') return 'an empty word'
  if (!/^[\u0021-\u007e]+$/.test(word)) return 'only printable ASCII without spaces can be passed on the kernel command line'
  if (/["'\\]/.test(word)) return 'quotes and backslashes are mangled on the way to the kernel (GRUB escapes them, Linux does not unescape)'
  return null
}

export function kernelCmdlineProblem(words: readonly string[]): string | null {
  for (const w of words) {
    const problem = kernelWordProblem(w)
    if (problem) return `${JSON.stringify(w)}: ${problem}`
  }
  const length = words.join(' ').length
  if (length > KERNEL_CMDLINE_MAX) return `the kernel command line is ${length} bytes; Linux keeps only ${KERNEL_CMDLINE_MAX}`
  return null
}
