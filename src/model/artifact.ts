// What rendering hands to writing: a node's files as texts with their modes. Here, beside the plan, so that the
// writers (write/) depend on this contract and not on the renderers.

export interface Artifact {
  /** Path inside the node's folder, '/'-separated. */
  path: string
  content: string
  /** File mode; 0600 for files that hold a password hash or credentials (write/file-mode.ts). */
  mode: number
  /** sha256 (hex) of the content's UTF-8 bytes, when rendering computed it anyway (user-data); the writer reuses it. */
  sha256?: string
  /**
   * Written gzip-compressed instead of as the content's UTF-8: cloud-init/user-data is one deterministic gzip member
   * of `content`, which cloud-init unpacks before reading it. Compressed where the bytes are made (artifactBytes),
   * which for large renders is the writer thread, not the one rendering the next node.
   */
  gzip?: true
}

/** One rendered node (or the PXE tree), as the writers take it. */
export interface NodeOutput {
  hostname: string
  artifacts: Artifact[]
}
