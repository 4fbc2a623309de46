#!/usr/bin/env bash
# Installs, with apt-get, every Debian package the tests need on a Debian 12 machine (run it as root): the upstream
# validators and ISO readers of `npm test`, and qemu, debootstrap and the fixtures of the VM tests (`npm run
# test:e2e`). .ci/run calls it; packages already installed are left alone. Any new package a test needs goes here.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
# System tests run the real upstream tools: cloud-init's schema validator, shellcheck, ISO readers, and qemu,
# debootstrap and e2fsprogs for the first-boot VM test; gpg (pinned signing-key fingerprints); systemd-analyze (unit files) and python3 (provision.sh merges
# daemon.json with it) for the script tests.
APT_PACKAGES=(
  cloud-init shellcheck
  xorriso genisoimage libarchive-tools cloud-image-utils util-linux unzip
  grub-common nginx-light
  qemu-system-x86 debootstrap e2fsprogs
  systemd python3 gnupg
  # The offline payload's tests sign and check its manifest (ssh-keygen -Y, issue 24).
  openssh-client
  # The hermetic VM test's upstream (test/e2e/upstream): repositories, keys, a CA, a registry and its images.
  dpkg-dev apt-utils openssl patchelf docker-registry skopeo umoci curl
  # PXE and installer-ISO boots (issue 12): loaders, firmware, a kernel and busybox for the fixture initramfs, and
  # what builds the fixture base ISO and local disk.
  pxelinux isolinux syslinux-common grub-efi-amd64-bin grub-efi-amd64-signed shim-signed grub-pc-bin ovmf ipxe-qemu
  linux-image-amd64 busybox-static cpio mtools dosfstools fdisk
  # issue 19: strace delays the renames of a PXE swap (a report must wait for it), checks that the installer ISO's
  # temporary file is opened O_EXCL 0600, and kills a render before each of its renames (test/write/output-crash).
  strace
  # The /status page of serve, checked in a real headless browser (issue 21).
  chromium
)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  # Tests only run nginx -t; keep package scripts from starting services while installing.
  policy_added=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    policy_added=1
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if ((policy_added)); then rm -f /usr/sbin/policy-rc.d; fi
fi
