// Content types of what the output folder holds. The NoCloud files (user-data, meta-data, network-config,
// vendor-data) and the boot loader configs have no useful extension: they are text.
const BY_EXTENSION: Record<string, string> = {
  iso: 'application/octet-stream',
  img: 'application/octet-stream',
  gz: 'application/gzip',
  zip: 'application/zip',
  json: 'application/json',
  sh: 'text/x-shellscript; charset=utf-8',
}

export function contentTypeOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.')
  const ext = dot > 0 ? fileName.slice(dot + 1).toLowerCase() : ''
  return BY_EXTENSION[ext] ?? 'text/plain; charset=utf-8'
}
