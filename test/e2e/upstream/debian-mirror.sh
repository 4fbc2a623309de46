#!/bin/bash
# Prints the Debian mirror this machine's apt uses (BAI_SEED_E2E_MIRROR wins): the first URI of a source carrying the
# suite bookworm, from deb822 files (URIs:/Suites:) or one-line entries. The e2e harness never names a mirror itself.
set -euo pipefail
if [[ -n ${BAI_SEED_E2E_MIRROR:-} ]]; then
  printf '%s\n' "${BAI_SEED_E2E_MIRROR%/}"
  exit 0
fi
shopt -s nullglob
for f in /etc/apt/sources.list.d/*.sources; do
  # One stanza per paragraph: print its URIs when its Suites list holds bookworm.
  uri=$(awk 'BEGIN { RS = ""; FS = "\n" } {
      u = ""; s = ""
      for (i = 1; i <= NF; i++) {
        if ($i ~ /^URIs:/) { u = $i; sub(/^URIs:[ \t]*/, "", u); split(u, a, /[ \t]+/); u = a[1] }
        if ($i ~ /^Suites:/) { s = " " $i " " }
      }
      if (u != "" && s ~ /[ \t]bookworm[ \t]/) { print u; exit }
    }' "$f")
  if [[ -n $uri ]]; then
    printf '%s\n' "${uri%/}"
    exit 0
  fi
done
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
  [[ -f $f ]] || continue
  uri=$(awk '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } if ($(i + 1) == "bookworm") { print $i; exit } }' "$f")
  if [[ -n $uri ]]; then
    printf '%s\n' "${uri%/}"
    exit 0
  fi
done
echo "no Debian bookworm source in this machine's apt sources; set BAI_SEED_E2E_MIRROR" >&2
exit 1
