#!/usr/bin/env bash
# Helpers for tools/images/build.sh: host packages, binfmt, and the base images assembled here
# without any container registry (Debian's mirror for the root file system, the npm registry
# for the Node.js binary). Sourced, not run.

# Debian's architecture names, which are also the OCI ones for these two.
host_arch() {
  case "$(uname -m)" in
    x86_64) echo amd64 ;;
    aarch64) echo arm64 ;;
    *) echo "unsupported host architecture $(uname -m)" >&2; return 1 ;;
  esac
}

# Node.js's name for an architecture (node-linux-<arch> on npm).
node_arch() {
  case "$1" in
    arm64) echo arm64 ;;
    amd64) echo x64 ;;
  esac
}

qemu_name() {
  case "$1" in
    arm64) echo aarch64 ;;
    amd64) echo x86_64 ;;
  esac
}

log() { printf '[images] %s\n' "$*" >&2; }

ensure_packages() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    log "apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# Lets the kernel run foreign binaries through qemu-user: binfmt_misc mounted, the qemu
# interpreter registered with the F flag (opened now, so it works inside any chroot).
ensure_binfmt() {
  local arch=$1 qemu conf
  [ "$arch" = "$(host_arch)" ] && return 0
  qemu=$(qemu_name "$arch")
  if [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
    log "mounting binfmt_misc"
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  fi
  if [ ! -e "/proc/sys/fs/binfmt_misc/qemu-$qemu" ]; then
    conf=/usr/lib/binfmt.d/qemu-$qemu.conf
    [ -f "$conf" ] || { log "$conf is missing (qemu-user-static)"; return 1; }
    log "registering qemu-$qemu with binfmt_misc"
    grep -v '^#' "$conf" | head -n 1 > /proc/sys/fs/binfmt_misc/register
  fi
  grep -q '^enabled' "/proc/sys/fs/binfmt_misc/qemu-$qemu"
}

# The latest Node.js release of a major line, as published on npm (node-linux-<arch>).
resolve_node_version() {
  local major=$1 arch=$2
  npm view "node-linux-$(node_arch "$arch")@$major" version --json 2>/dev/null | node -e '
    const v = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const list = Array.isArray(v) ? v : [v];
    list.sort((a, b) => { const p = (s) => s.split(".").map(Number); const [x, y] = [p(a), p(b)]; return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]; });
    process.stdout.write(list.at(-1));'
}

# A Debian minbase root file system for an architecture, cached: debootstrap's first stage
# (download and unpack, on the host), then its second stage inside the root (under qemu when
# foreign). Slimmed like Debian's -slim images: no apt lists or caches, no docs but the
# copyright files, no man pages or translations.
debian_rootfs() {
  local arch=$1 dir="$SOKOUL_IMAGES_CACHE/rootfs-$DEBIAN_SUITE-$arch"
  if [ ! -f "$dir/.complete" ]; then
    rm -rf "$dir"
    log "debootstrap $DEBIAN_SUITE $arch (minbase) into $dir"
    if [ "$arch" = "$(host_arch)" ]; then
      debootstrap --arch="$arch" --variant=minbase "$DEBIAN_SUITE" "$dir" "$DEBIAN_MIRROR" >"$dir.log" 2>&1 \
        || { tail -n 20 "$dir.log" >&2; return 1; }
    else
      debootstrap --arch="$arch" --variant=minbase --foreign "$DEBIAN_SUITE" "$dir" "$DEBIAN_MIRROR" >"$dir.log" 2>&1 \
        || { tail -n 20 "$dir.log" >&2; return 1; }
      log "debootstrap second stage under emulation"
      chroot "$dir" /debootstrap/debootstrap --second-stage >>"$dir.log" 2>&1 \
        || { tail -n 20 "$dir.log" >&2; return 1; }
    fi
    rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/* "$dir"/var/cache/debconf/*-old \
      "$dir"/usr/share/man/* "$dir"/usr/share/info/* "$dir"/usr/share/locale/* "$dir"/var/log/*.log
    find "$dir/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
    find "$dir/usr/share/doc" -mindepth 1 -type d -empty -delete
    : > "$dir/etc/resolv.conf"
    touch "$dir/.complete"
  fi
  echo "$dir"
}

# An npm package's tarball, cached.
npm_tarball() {
  local spec=$1 dir="$SOKOUL_IMAGES_CACHE/npm" file
  mkdir -p "$dir"
  file=$(cd "$dir" && npm pack "$spec" --silent 2>/dev/null | tail -n 1)
  [ -n "$file" ] && [ -f "$dir/$file" ] || { log "npm pack $spec failed"; return 1; }
  echo "$dir/$file"
}

# localhost/<name>: the Debian root plus /usr/local/bin/node (and npm when asked), committed
# into buildah's storage with the architecture in its config, like node:<v>-bookworm-slim.
base_image() {
  local name=$1 arch=$2 node_version=$3 with_npm=$4
  if buildah inspect --type image "$name" >/dev/null 2>&1; then
    echo "$name"
    return 0
  fi
  local rootfs node_tgz npm_tgz ctr mnt
  rootfs=$(debian_rootfs "$arch") || return 1
  node_tgz=$(npm_tarball "node-linux-$(node_arch "$arch")@$node_version") || return 1
  log "assembling $name from $(basename "$rootfs") and $(basename "$node_tgz")"
  ctr=$(buildah from --arch "$arch" --os linux scratch)
  mnt=$(buildah mount "$ctr")
  cp -a "$rootfs/." "$mnt/"
  rm -f "$mnt/.complete"
  tar -xzf "$node_tgz" -C "$mnt/usr/local/bin" --strip-components=2 package/bin/node
  if [ "$with_npm" = npm ]; then
    npm_tgz=$(npm_tarball "npm@$NPM_VERSION") || return 1
    mkdir -p "$mnt/usr/local/lib/node_modules/npm"
    tar -xzf "$npm_tgz" -C "$mnt/usr/local/lib/node_modules/npm" --strip-components=1
    ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$mnt/usr/local/bin/npm"
    ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$mnt/usr/local/bin/npx"
  fi
  buildah umount "$ctr" >/dev/null
  buildah config --arch "$arch" --os linux \
    --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env NODE_VERSION="$node_version" --cmd node \
    --label org.opencontainers.image.description="Debian $DEBIAN_SUITE minbase and Node.js $node_version ($arch), assembled by tools/images" \
    "$ctr"
  buildah commit --quiet --format docker --rm "$ctr" "$name" >/dev/null
  echo "$name"
}
