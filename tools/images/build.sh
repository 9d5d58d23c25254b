#!/usr/bin/env bash
# Builds the service images from docker/Dockerfile without a Docker engine or a container
# registry, and proves each one starts: buildah (no daemon, chroot isolation, vfs storage),
# qemu-user for a foreign architecture, and base images assembled here from Debian's packages
# and the Node.js binary published on npm. See docs/images.md.
#
#   sudo tools/images/build.sh <gateway|scout|hunter|oracle|sentinel|all>... [--arch arm64|amd64]
#                              [--no-build] [--no-verify]
#   npx nx run hunter:container            (the same, for one service, --arch arm64)
#
# Verification migrates a schema of its own (sokoul_images) with the gateway image's `migrate`,
# then runs each image's own command, as its own user, under emulation, against the Postgres,
# Redis and NATS (JetStream) listening on this machine's default ports (DATABASE_URL, REDIS_URL,
# NATS_URL override them): it waits for /health/live, asks /health/ready, runs the image's
# HEALTHCHECK command, then stops the service with SIGTERM. Prints a table; exits 1 if a
# service never answered. Logs and caches: $SOKOUL_IMAGES_CACHE (/var/cache/sokoul-images).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here="$root/tools/images"
# shellcheck source=tools/images/lib.sh
source "$here/lib.sh"

SERVICES=(gateway scout hunter oracle sentinel)
declare -A VERIFY_PORT=([gateway]=31000 [scout]=31001 [hunter]=31002 [oracle]=31003 [sentinel]=31004)

arch=arm64
build=true
verify=true
apps=()
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) arch=${2:?--arch needs arm64 or amd64}; shift 2 ;;
    --arch=*) arch=${1#--arch=}; shift ;;
    --no-build) build=false; shift ;;
    --no-verify) verify=false; shift ;;
    all) apps+=("${SERVICES[@]}"); shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *)
      if [[ " ${SERVICES[*]} " == *" $1 "* ]]; then apps+=("$1"); shift
      else echo "unknown service or option: $1 (services: ${SERVICES[*]} or all)" >&2; exit 64; fi ;;
  esac
done
[ "${#apps[@]}" -gt 0 ] && mapfile -t apps < <(printf '%s\n' "${apps[@]}" | awk '!seen[$0]++')
[ "${#apps[@]}" -gt 0 ] || { sed -n '7,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 64; }
case "$arch" in arm64|amd64) ;; *) echo "--arch: arm64 or amd64, not $arch" >&2; exit 64 ;; esac
if [ "$(id -u)" -ne 0 ]; then
  echo "tools/images/build.sh needs root: it installs Debian packages, mounts binfmt_misc, runs debootstrap and buildah (try sudo)" >&2
  exit 77
fi

export SOKOUL_IMAGES_CACHE=${SOKOUL_IMAGES_CACHE:-/var/cache/sokoul-images}
export DEBIAN_SUITE=${DEBIAN_SUITE:-bookworm}
export DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
export NODE_MAJOR=${NODE_MAJOR:-22}
export NPM_VERSION=${NPM_VERSION:-10}
export STORAGE_DRIVER=vfs
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
mkdir -p "$SOKOUL_IMAGES_CACHE"
# Every buildah call uses vfs storage (STORAGE_DRIVER above): no overlay mounts needed.

# 1. Tools, emulation, base images.
ensure_packages qemu-user-static binfmt-support buildah debootstrap curl
ensure_binfmt "$arch"
build_arch=$(host_arch)
node_version=$(resolve_node_version "$NODE_MAJOR" "$arch")
[ -n "$node_version" ] || { log "cannot resolve Node.js $NODE_MAJOR on npm"; exit 1; }
runtime_base=$(base_image "localhost/sokoul-node:$node_version-$arch" "$arch" "$node_version" none)
build_base=$(base_image "localhost/sokoul-node-build:$node_version-$build_arch" "$build_arch" "$node_version" npm)

# The verification migrates its schema with the gateway image's `migrate`: build that one too,
# so that it carries the current migrations.
images=("${apps[@]}")
if $verify && [[ " ${apps[*]} " != *" gateway "* ]]; then images=(gateway "${apps[@]}"); fi

# 2. The bundles and their generated package.json (what the Dockerfile copies).
if $build; then
  log "nx build ${images[*]}"
  (cd "$root" && npx nx run-many -t build -p "$(IFS=,; echo "${images[*]}")" --output-style=static >"$SOKOUL_IMAGES_CACHE/nx-build.log" 2>&1) \
    || { tail -n 30 "$SOKOUL_IMAGES_CACHE/nx-build.log" >&2; exit 1; }
fi

# 3. The images.
secret=()
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -s "$NODE_EXTRA_CA_CERTS" ]; then
  secret=(--secret "id=npm_ca,src=$NODE_EXTRA_CA_CERTS")
fi
declare -A BUILD_S
for app in "${images[@]}"; do
  image="localhost/sokoul-$app:$arch"
  log "building $image"
  started=$SECONDS
  containers_before=$(buildah containers -q | sort)
  (cd "$root" && buildah bud --isolation chroot --pull=never --format docker --layers \
    --platform "linux/$arch" --build-arg BUILDPLATFORM="linux/$build_arch" \
    --build-arg SERVICE="$app" --build-arg NODE_IMAGE="$runtime_base" --build-arg BUILD_IMAGE="$build_base" \
    "${secret[@]}" -f docker/Dockerfile -t "$image" . >"$SOKOUL_IMAGES_CACHE/build-$app-$arch.log" 2>&1) \
    || { tail -n 30 "$SOKOUL_IMAGES_CACHE/build-$app-$arch.log" >&2; exit 1; }
  BUILD_S[$app]=$((SECONDS - started))
  # buildah 1.28 leaves the working container of a stage without instructions (`target-node`, the
  # last one) behind, each a full copy in vfs storage: remove those this build made.
  comm -13 <(echo "$containers_before") <(buildah containers -q | sort) | xargs -r buildah rm >/dev/null
  grep -E '^native addon|^node_modules:' "$SOKOUL_IMAGES_CACHE/build-$app-$arch.log" | sed "s/^/[images] $app: /" >&2 || true
done

# 4. Each image started as its own user with its own command, under emulation.
secret32=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
service_env() {
  local app=$1 upper
  upper=$(echo "$app" | tr '[:lower:]' '[:upper:]')
  printf -- '--env\n%s\n' \
    "DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/sokoul}" \
    "DATABASE_SCHEMA=sokoul_images" "SOKOUL_NAMESPACE=sokoul_images" \
    "NATS_URL=${NATS_URL:-nats://127.0.0.1:4222}" "REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}" \
    "${upper}_PORT=${VERIFY_PORT[$app]}" \
    "AUTH_JWT_SECRET=$secret32" "SECRETS_ENCRYPTION_KEY=$secret32" \
    "HUNTER_BT_PORT=0"
}

declare -A LIVE_S HEALTHCHECK STOPPED READY
verify_image() {
  local app=$1 image="localhost/sokoul-$app:$arch" ctr pid started code=000 envs
  mapfile -t envs < <(service_env "$app")
  ctr=$(buildah from --arch "$arch" --pull-never --name "sokoul-verify-$app-$arch" "$image")
  # The image's own CMD, run as its USER in its WORKDIR.
  mapfile -t cmd < <(buildah inspect --type container --format '{{range .OCIv1.Config.Cmd}}{{println .}}{{end}}' "$ctr" | sed '/^$/d')
  started=$(date +%s.%N)
  setsid buildah run --isolation chroot "${envs[@]}" "$ctr" -- "${cmd[@]}" \
    >"$SOKOUL_IMAGES_CACHE/run-$app-$arch.log" 2>&1 </dev/null &
  pid=$!
  for _ in $(seq 1 "${VERIFY_TIMEOUT_S:-600}"); do
    code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:${VERIFY_PORT[$app]}/health/live" || true)
    [ "$code" = 200 ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
  done
  if [ "$code" = 200 ]; then
    LIVE_S[$app]=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    # /health/ready: the image reaches this machine's Postgres, Redis and NATS (30 s at most).
    READY[$app]=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "http://127.0.0.1:${VERIFY_PORT[$app]}/health/ready" || true)
    for _ in $(seq 1 30); do
      [ "${READY[$app]}" = 200 ] && break
      sleep 1
      READY[$app]=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "http://127.0.0.1:${VERIFY_PORT[$app]}/health/ready" || true)
    done
    # The image's HEALTHCHECK command, inside the running container's root.
    if buildah run --isolation chroot "${envs[@]}" "$ctr" -- node /usr/local/lib/sokoul/healthcheck.js >/dev/null 2>&1; then
      HEALTHCHECK[$app]=ok
    else
      HEALTHCHECK[$app]=failed
    fi
  else
    LIVE_S[$app]="no answer"
    HEALTHCHECK[$app]=-
  fi
  # SIGTERM to the service's node alone, as an engine stops a container (buildah run would
  # SIGKILL its child if signalled itself): the service must drain and exit 0 within 30 s.
  local node_pids=() p stop_started status=""
  for p in $(pgrep -g "$pid" || true); do
    [ "$(cat "/proc/$p/comm" 2>/dev/null)" = node ] && node_pids+=("$p")
  done
  stop_started=$SECONDS
  [ "${#node_pids[@]}" -gt 0 ] && kill -TERM "${node_pids[@]}" 2>/dev/null || true
  for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  if kill -0 "$pid" 2>/dev/null; then
    STOPPED[$app]="still running after 30 s"
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  if [ -z "${STOPPED[$app]:-}" ]; then
    if grep -q '"msg":"stopped"' "$SOKOUL_IMAGES_CACHE/run-$app-$arch.log"; then
      STOPPED[$app]="in $((SECONDS - stop_started)) s"
    else
      STOPPED[$app]="exited without its stopped line"
    fi
  fi
  buildah rm "$ctr" >/dev/null
  [ "$code" = 200 ] || { log "$app: /health/live never answered; its output:"; tail -n 20 "$SOKOUL_IMAGES_CACHE/run-$app-$arch.log" >&2; }
  # Anything but JSON lines on its output (a library writing to the console) is worth a look.
  grep -v '^{' "$SOKOUL_IMAGES_CACHE/run-$app-$arch.log" | grep -v -e '^subprocess exited' -e '^Error: exit status' \
    | head -n 5 | sed "s/^/[images] $app printed: /" >&2 || true
}

if $verify; then
  log "migrating schema sokoul_images with the gateway image's 'migrate'"
  gateway_image="localhost/sokoul-gateway:$arch"
  mapfile -t envs < <(service_env gateway)
  ctr=$(buildah from --arch "$arch" --pull-never --name "sokoul-verify-migrate-$arch" "$gateway_image")
  buildah run --isolation chroot "${envs[@]}" "$ctr" -- node main.js migrate 2>&1 | grep '^{' | tail -n 1 | cut -c1-200 >&2
  buildah rm "$ctr" >/dev/null
  for app in "${apps[@]}"; do
    log "starting $app $([ "$arch" = "$build_arch" ] && echo natively || echo "under qemu-$(qemu_name "$arch")")"
    verify_image "$app"
  done
fi

# 5. The table.
printf '\n%-9s %-32s %-8s %-7s %-20s %-6s %-12s %s\n' app image size build '/health/live' ready healthcheck 'SIGTERM stop'
failed=0
for app in "${apps[@]}"; do
  image="localhost/sokoul-$app:$arch"
  size=$(buildah images --format '{{.Size}}' "$image" | head -n 1)
  live=${LIVE_S[$app]:-not run}
  [ "$live" = "no answer" ] && failed=1
  [[ "$live" =~ ^[0-9] ]] && live="answered in ${live} s"
  printf '%-9s %-32s %-8s %-7s %-20s %-6s %-12s %s\n' "$app" "$image" "$size" "${BUILD_S[$app]:-?} s" "$live" "${READY[$app]:--}" "${HEALTHCHECK[$app]:--}" "${STOPPED[$app]:--}"
done
exit "$failed"
