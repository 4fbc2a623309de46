#!/bin/bash
# Builds the e2e guest's own upstream from Debian packages: apt repositories (a partial Debian mirror, Docker-, CUDA-
# and Container-Toolkit-shaped repositories with stand-in packages), a python-build-standalone-shaped release, a PEP 503
# simple index, and the data of an image registry. Everything is signed with a throwaway key and, for TLS, a throwaway
# CA. Runs as root; needs apt-get, dpkg-deb, apt-ftparchive, gpg, openssl, docker-registry, skopeo, umoci,
# busybox-static and patchelf, and reaches only the Debian mirror of this machine's apt sources.
# Usage: build-upstream.sh TARGET_DIR GUEST_ROOTFS DEB_CACHE_DIR CUDA_PACKAGE DRIVER_BRANCH   (TARGET_DIR must not exist yet)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
target=$1
rootfs=$(cd "$2" && pwd)
debs=$3
# The CUDA package of the nodes' OS target (e.g. cuda-toolkit-12-2): its version is taken from the name.
cuda_package=$4
cuda_version=${cuda_package##*-toolkit-}
cuda_version=${cuda_version//-/.}
# The nodes' OS target's driver branch (535): the stand-in driver packages carry its name.
driver_branch=$5
mirror=$("$here/debian-mirror.sh")
work=$target/.work
www=$target/www
mkdir -p "$work" "$www" "$debs/upstream/partial"
debs=$(cd "$debs" && pwd)

# --- apt on this machine, resolving against the guest's package state, from bookworm main only (what the guest has).
aptd=$work/apt
mkdir -p "$aptd/lists/partial" "$aptd/cache"
printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s bookworm main\n' "$mirror" >"$aptd/sources.list"
APT=(apt-get -q -y
  -o Dir::State::status="$rootfs/var/lib/dpkg/status" -o Dir::State::Lists="$aptd/lists" -o Dir::State::extended_states="$aptd/extended_states"
  -o Dir::Cache="$aptd/cache" -o Dir::Cache::archives="$debs/upstream"
  -o Dir::Etc::SourceList="$aptd/sources.list" -o Dir::Etc::SourceParts=/nonexistent
  -o Dir::Etc::Preferences=/nonexistent -o Dir::Etc::PreferencesParts=/nonexistent
  -o APT::Architecture=amd64 -o APT::Architectures::=amd64 -o Debug::NoLocking=1)
"${APT[@]}" update >/dev/null
# Docker Engine as Debian packages it; apparmor too: with it Docker starts containers on a Debian kernel.
"${APT[@]}" install --download-only --no-install-recommends docker.io apparmor >/dev/null
mkdir -p "$work/pydebs"
(cd "$work/pydebs" && "${APT[@]}" download python3.11-minimal libpython3.11-minimal libpython3.11-stdlib python3.11-venv \
  python3-pip-whl python3-setuptools-whl python3-wheel-whl >/dev/null)
# Compose v2 and buildx as Docker CLI plugins: bookworm has neither (its docker-compose is v1); the next release's
# packages install them in /usr/libexec/docker/cli-plugins and need only libc6 (>= 2.34), which bookworm has.
printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s trixie main\n' "$mirror" >"$aptd/sources-trixie.list"
mkdir -p "$aptd/lists-trixie/partial" "$work/plugindebs"
TRIXIE=("${APT[@]}" -o Dir::Etc::SourceList="$aptd/sources-trixie.list" -o Dir::State::Lists="$aptd/lists-trixie")
"${TRIXIE[@]}" update >/dev/null
(cd "$work/plugindebs" && "${TRIXIE[@]}" download docker-compose docker-buildx >/dev/null)

# --- signing key and CA
export GNUPGHOME=$work/gnupg
mkdir -m 0700 "$GNUPGHOME"
gpg --batch --passphrase '' --quick-gen-key 'bai-seed e2e archive <e2e@bai-seed.invalid>' ed25519 sign never 2>/dev/null
fpr=$(gpg --with-colons --list-keys | awk -F: '$1 == "fpr" { print $10; exit }')
printf '%s\n' "$fpr" >"$target/archive.fpr"
mkdir -p "$www/keys"
gpg --armor --export "$fpr" >"$www/keys/archive.asc"
gpg --export "$fpr" >"$target/archive.gpg"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj '/CN=bai-seed e2e CA' \
  -keyout "$work/ca.key" -out "$target/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj '/CN=10.0.2.101' \
  -keyout "$target/registry.key" -out "$work/registry.csr" 2>/dev/null
printf 'subjectAltName=IP:10.0.2.101,IP:127.0.0.1\n' >"$work/san.ext"
openssl x509 -req -in "$work/registry.csr" -CA "$target/ca.pem" -CAkey "$work/ca.key" -CAcreateserial -days 3650 \
  -extfile "$work/san.ext" -out "$target/registry.crt" 2>/dev/null

# sign_release DIR: Release.gpg and InRelease for DIR/Release.
sign_release() {
  gpg --batch --yes --armor --detach-sign -o "$1/Release.gpg" "$1/Release"
  gpg --batch --yes --clearsign -o "$1/InRelease" "$1/Release"
}

# mkdeb OUTDIR NAME VERSION DEPENDS ROOT: a binary package of the files under ROOT.
mkdeb() {
  local out=$1 name=$2 version=$3 depends=$4 root=$5
  mkdir -p "$root/DEBIAN"
  {
    printf 'Package: %s\nVersion: %s\nArchitecture: amd64\nMaintainer: bai-seed e2e <e2e@bai-seed.invalid>\n' "$name" "$version"
    [[ -z $depends ]] || printf 'Depends: %s\n' "$depends"
    printf 'Description: bai-seed e2e stand-in for %s\n' "$name"
  } >"$root/DEBIAN/control"
  dpkg-deb --root-owner-group -Zgzip --build "$root" "$out/${name}_${version}_amd64.deb" >/dev/null
}

# a library whose SONAME is $2 (ldconfig lists it, as the GPU checks want), copied from a small libc library.
stub_lib() {
  cp "$rootfs/usr/lib/x86_64-linux-gnu/libBrokenLocale.so.1" "$1"
  patchelf --set-soname "$2" "$1"
}

pkgs=$work/pkgs
# --- a partial Debian mirror: Docker's dependencies and the stand-in driver package
deb=$www/debian
mkdir -p "$deb/pool/main" "$deb/dists/bookworm/main/binary-amd64"
cp "$debs"/upstream/*.deb "$deb/pool/main/"
# Debian's docker.io conflicts with docker-ce and docker-ce-cli: the Docker repository below carries it again without
# that line (same files and maintainer scripts, a higher version), so the stand-ins of those names can depend on it.
rm "$deb"/pool/main/docker.io_*.deb
# The server driver branch of the nodes' OS target as Ubuntu splits it (headless without DKMS, nvidia-smi in the
# utils, the prebuilt modules of the guest's kernel), and Fabric Manager in three versions: the version lock must take
# the driver's.
branch=$driver_branch
driver_version=$branch.0
kernel=$(ls "$rootfs/lib/modules")
r=$pkgs/nvidia-headless-no-dkms-$branch-server
mkdir -p "$r/usr/lib/x86_64-linux-gnu"
stub_lib "$r/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.$driver_version" libnvidia-ml.so.1
install -D -m 0755 "$here/stubs/nvidia-persistenced" "$r/usr/bin/nvidia-persistenced"
# As Ubuntu's nvidia-compute-utils ships it: persistence mode off.
install -D -m 0644 /dev/stdin "$r/lib/systemd/system/nvidia-persistenced.service" <<UNIT
[Unit]
Description=NVIDIA Persistence Daemon (e2e stand-in)
[Service]
ExecStart=/usr/bin/nvidia-persistenced --no-persistence-mode --verbose
[Install]
WantedBy=multi-user.target
UNIT
install -D -m 0755 /dev/stdin "$r/DEBIAN/postinst" <<<$'#!/bin/sh\nldconfig'
mkdeb "$deb/pool/main" "nvidia-headless-no-dkms-$branch-server" "$driver_version-e2e" '' "$r"
r=$pkgs/nvidia-utils-$branch-server
install -D -m 0755 "$here/stubs/nvidia-smi" "$r/usr/bin/nvidia-smi"
mkdeb "$deb/pool/main" "nvidia-utils-$branch-server" "$driver_version-e2e" '' "$r"
mkdir -p "$pkgs/modules"
mkdeb "$deb/pool/main" "linux-modules-nvidia-$branch-server-$kernel" "$driver_version-e2e" '' "$pkgs/modules"
for v in "$((branch - 5)).0" "$driver_version" "$branch.1"; do
  r=$pkgs/fm-$v
  install -D -m 0755 "$here/stubs/nv-fabricmanager" "$r/usr/bin/nv-fabricmanager"
  install -D -m 0644 /dev/stdin "$r/lib/systemd/system/nvidia-fabricmanager.service" <<UNIT
[Unit]
Description=NVIDIA Fabric Manager (e2e stand-in)
[Service]
ExecStart=/usr/bin/nv-fabricmanager
[Install]
WantedBy=multi-user.target
UNIT
  mkdeb "$deb/pool/main" "nvidia-fabricmanager-$branch" "$v-e2e" '' "$r"
done
(cd "$deb" && dpkg-scanpackages -m pool/main /dev/null 2>/dev/null >dists/bookworm/main/binary-amd64/Packages)
gzip -9nk "$deb/dists/bookworm/main/binary-amd64/Packages"
apt-ftparchive -o APT::FTPArchive::Release::Suite=bookworm -o APT::FTPArchive::Release::Codename=bookworm \
  -o APT::FTPArchive::Release::Components=main -o APT::FTPArchive::Release::Architectures=amd64 \
  release "$deb/dists/bookworm" >"$work/Release"
mv "$work/Release" "$deb/dists/bookworm/Release"
sign_release "$deb/dists/bookworm"

# --- Docker's repository: docker-ce & co. as packages that bring Debian's docker.io
dk=$www/docker
mkdir -p "$dk/pool/stable" "$dk/dists/bookworm/stable/binary-amd64"
dpkg-deb -R "$debs"/upstream/docker.io_*.deb "$work/docker.io"
sed -i -e '/^Conflicts:/d' -e 's/^Version: .*/&+e2e1/' "$work/docker.io/DEBIAN/control"
dpkg-deb -Zgzip -z1 --build "$work/docker.io" "$dk/pool/stable/" >/dev/null
for p in docker-ce:'docker.io, apparmor' docker-ce-cli:docker.io containerd.io:containerd; do
  mkdeb "$dk/pool/stable" "${p%%:*}" 5:99.0.0-e2e "${p#*:}" "$pkgs/${p%%:*}"
done
cp "$work"/plugindebs/*.deb "$dk/pool/stable/"
mkdeb "$dk/pool/stable" docker-compose-plugin 5:99.0.0-e2e 'docker.io, docker-compose (>= 2)' "$pkgs/docker-compose-plugin"
mkdeb "$dk/pool/stable" docker-buildx-plugin 5:99.0.0-e2e 'docker.io, docker-buildx' "$pkgs/docker-buildx-plugin"
(cd "$dk" && dpkg-scanpackages -m pool/stable /dev/null 2>/dev/null >dists/bookworm/stable/binary-amd64/Packages)
apt-ftparchive -o APT::FTPArchive::Release::Suite=bookworm -o APT::FTPArchive::Release::Codename=bookworm \
  -o APT::FTPArchive::Release::Components=stable -o APT::FTPArchive::Release::Architectures=amd64 \
  release "$dk/dists/bookworm" >"$work/Release"
mv "$work/Release" "$dk/dists/bookworm/Release"
sign_release "$dk/dists/bookworm"

# flat_repo DIR: Packages and a signed Release for the packages in DIR (apt line "deb URL/DIR/ /").
flat_repo() {
  (cd "$1" && dpkg-scanpackages -m . /dev/null 2>/dev/null >Packages && apt-ftparchive release . >"$work/Release" && mv "$work/Release" Release)
  sign_release "$1"
}

# --- NVIDIA's CUDA repository for debian12/x86_64, its key where NVIDIA keeps it
cu=$www/cuda/debian12/x86_64
mkdir -p "$cu"
r=$pkgs/$cuda_package
mkdir -p "$r/usr/local/cuda/lib64"
stub_lib "$r/usr/local/cuda/lib64/libcudart.so.$cuda_version.0" libcudart.so.12
mkdeb "$cu" "$cuda_package" "$cuda_version.0-e2e" '' "$r"
flat_repo "$cu"
cp "$www/keys/archive.asc" "$cu/3bf863cc.pub"

# --- NVIDIA Container Toolkit repository
tk=$www/libnvidia-container/stable/deb/amd64
mkdir -p "$tk"
r=$pkgs/nvidia-container-toolkit
install -D -m 0755 "$here/stubs/nvidia-ctk" "$r/usr/bin/nvidia-ctk"
install -D -m 0755 "$here/stubs/nvidia-container-runtime" "$r/usr/bin/nvidia-container-runtime"
mkdeb "$tk" nvidia-container-toolkit 1.99.0-e2e 'python3, runc' "$r"
flat_repo "$tk"
cp "$www/keys/archive.asc" "$www/libnvidia-container/gpgkey"

# --- python-build-standalone-shaped release: Debian's interpreter and standard library, relocated
x=$work/pyx
for f in "$work"/pydebs/*python3.11*.deb; do dpkg-deb -x "$f" "$x"; done
for f in "$work"/pydebs/python3-*-whl_*.deb; do dpkg-deb -x "$f" "$work/whl"; done
version=$(dpkg-deb -f "$work"/pydebs/python3.11-minimal_*.deb Version)
version=${version%%-*}
release=20230507
py=$work/pbs/python
mkdir -p "$py/bin" "$py/lib"
cp "$x/usr/bin/python3.11" "$py/bin/python3.11"
ln -s python3.11 "$py/bin/python3"
cp -a "$x/usr/lib/python3.11" "$py/lib/python3.11"
# ensurepip takes its wheels from _bundled when Debian's wheel folder is absent: Debian's pip and setuptools.
pipwhl=$(cd "$work/whl/usr/share/python-wheels" && ls pip-*.whl)
stwhl=$(cd "$work/whl/usr/share/python-wheels" && ls setuptools-*.whl)
mkdir -p "$py/lib/python3.11/ensurepip/_bundled"
cp "$work/whl/usr/share/python-wheels/$pipwhl" "$work/whl/usr/share/python-wheels/$stwhl" "$py/lib/python3.11/ensurepip/_bundled/"
pipver=${pipwhl#pip-}; pipver=${pipver%%-*}
stver=${stwhl#setuptools-}; stver=${stver%%-*}
sed -i -e "s/^_PIP_VERSION = .*/_PIP_VERSION = \"$pipver\"/" -e "s/^_SETUPTOOLS_VERSION = .*/_SETUPTOOLS_VERSION = \"$stver\"/" \
  "$py/lib/python3.11/ensurepip/__init__.py"
asset=cpython-$version+$release-x86_64-unknown-linux-gnu-install_only.tar.gz
mkdir -p "$www/pbs/$release"
tar -C "$work/pbs" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -czf "$www/pbs/$release/$asset" python
(cd "$www/pbs/$release" && sha256sum "$asset" >SHA256SUMS)
printf '%s %s\n' "$version" "$release" >"$target/python.txt"

# --- PEP 503 simple index: pip, setuptools and wheel from Debian's *-whl packages
mkdir -p "$www/packages" "$www/simple"
cp "$work"/whl/usr/share/python-wheels/*.whl "$www/packages/"
{
  printf '<!DOCTYPE html>\n<html><body>\n'
  for n in pip setuptools wheel; do
    printf '<a href="%s/">%s</a>\n' "$n" "$n"
    mkdir -p "$www/simple/$n"
    {
      printf '<!DOCTYPE html>\n<html><body>\n'
      for w in "$www"/packages/"$n"-[0-9]*.whl; do
        printf '<a href="../../packages/%s#sha256=%s">%s</a>\n' "${w##*/}" "$(sha256sum "$w" | cut -d' ' -f1)" "${w##*/}"
      done
      printf '</body></html>\n'
    } >"$www/simple/$n/index.html"
  done
  printf '</body></html>\n'
} >"$www/simple/index.html"

# --- registry data: one busybox-static image under every name of images.txt
umoci init --layout "$work/oci"
umoci new --image "$work/oci:e2e"
umoci unpack --image "$work/oci:e2e" "$work/bundle" >/dev/null
install -D -m 0755 /bin/busybox "$work/bundle/rootfs/bin/busybox"
ln -s busybox "$work/bundle/rootfs/bin/sh"
umoci repack --image "$work/oci:e2e" "$work/bundle"
umoci config --image "$work/oci:e2e" --config.cmd /bin/sh
port=$((20000 + RANDOM % 20000))
cat >"$work/registry.yml" <<YML
version: 0.1
log: {level: warn}
storage: {filesystem: {rootdirectory: $target/registry}}
http: {addr: 127.0.0.1:$port, tls: {certificate: $target/registry.crt, key: $target/registry.key}}
YML
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
regpid=$!
trap 'kill $regpid 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -fsS --cacert "$target/ca.pem" "https://127.0.0.1:$port/v2/" >/dev/null 2>&1 && break
  sleep 0.2
done
grep -v -e '^#' -e '^$' "$here/images.txt" | while read -r name; do
  skopeo copy -q --format v2s2 --dest-cert-dir "$work/certs-none" --dest-tls-verify=false \
    "oci:$work/oci:e2e" "docker://127.0.0.1:$port/$name"
done
kill $regpid
wait $regpid 2>/dev/null || true
trap - EXIT

rm -rf "$work"
