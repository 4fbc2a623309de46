#!/bin/bash
# Builds the Debian 12 root filesystem that the e2e test boots under qemu. Runs as root; needs debootstrap and network
# access to the Debian mirror only. Usage: build-rootfs.sh TARGET_DIR DEB_CACHE_DIR
# TARGET_DIR must not exist yet. DEB_CACHE_DIR keeps the downloaded .debs, so a recipe change re-installs without
# downloading again.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
target=$1
debs=$2
# The Debian mirror of this machine's apt sources (or BAI_SEED_E2E_MIRROR).
mirror=$("$here/../upstream/debian-mirror.sh")

packages=$(grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$here/packages.txt" | paste -sd, -)
mkdir -p "$debs"
debootstrap --variant=minbase --include="$packages" --cache-dir="$(cd "$debs" && pwd)" \
  bookworm "$target" "$mirror"

# No loop mounts anywhere: the disk image is made with mkfs.ext4 -d from this tree, and the guest sees it as /dev/vda.
printf '/dev/vda / ext4 defaults 0 1\n' >"$target/etc/fstab"
printf 'bai-e2e\n' >"$target/etc/hostname"
printf '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n' >"$target/etc/hosts"
: >"$target/etc/resolv.conf"

# An empty machine-id makes every disk made from this tree boot as a new machine (systemd fills it on first boot).
: >"$target/etc/machine-id"
rm -f "$target/var/lib/dbus/machine-id"

# Only the seed disk may configure the guest: no waiting for cloud datasources that cannot answer without network.
cat >"$target/etc/cloud/cloud.cfg.d/99-bai-e2e.cfg" <<'CFG'
# Written by bai-seed's e2e rootfs builder.
datasource_list: [NoCloud, None]
# RSA host keys take ~10 s to generate under TCG; host keys are not under test. User-data can still override this.
ssh_genkeytypes: [ed25519]
CFG

# Have en_US.UTF-8 generated and set: cloud-init's locale module sets it by default, and Debian's locale-gen ignores
# the locale cloud-init passes, so update-locale would fail; set already, the module skips its 12 s locale-gen too.
sed -i 's/^# *\(en_US.UTF-8 UTF-8\)/\1/' "$target/etc/locale.gen"
chroot "$target" locale-gen >/dev/null
printf 'LANG=en_US.UTF-8\n' >"$target/etc/default/locale"

# debootstrap does not run the preset that enables cloud-init's units.
chroot "$target" systemctl enable cloud-init-local.service cloud-init.service cloud-config.service cloud-final.service

# A password-less root on the serial console, for looking around when a test fails (the guest has no network).
chroot "$target" passwd -d root >/dev/null

install -D -m 0755 "$here/fallback-poweroff.sh" "$target/usr/local/libexec/bai-e2e-fallback-poweroff"
install -D -m 0644 "$here/bai-e2e-fallback.service" "$target/etc/systemd/system/bai-e2e-fallback.service"
chroot "$target" systemctl enable bai-e2e-fallback.service
install -D -m 0644 "$here/bai-seed-retry-delay.conf" "$target/etc/systemd/system/bai-seed.service.d/bai-e2e.conf"

# The image stays small: no downloaded packages or lists inside it.
rm -rf "$target"/var/cache/apt/archives/*.deb "$target"/var/lib/apt/lists/*_Packages
