#!/bin/sh
# The images' dependency stage (docker/Dockerfile): installs a service's production dependencies
# from its generated package.json and pruned lock file, in the current folder, for a target
# that may not be this machine's (install-dependencies.sh <os> <cpu>, npm's names: linux arm64,
# linux x64). No install script runs, so nothing is compiled for the wrong architecture; native
# addons load the prebuilt binary their package ships, and native-addons.js refuses an install
# where a required one has none for the target.
set -eu
os=$1
cpu=$2
here=$(dirname "$0")

# The root package.json's overrides, copied into the generated one, point at vendored stubs by
# a relative path (file:./tools/stubs/…), which npm resolves against the package that depends on
# the overridden one, not against the root. Absolute paths resolve the same from anywhere, and
# --install-links copies them in instead of linking outside node_modules.
node -e '
  const { readFileSync, writeFileSync } = require("node:fs");
  const { resolve } = require("node:path");
  const manifest = JSON.parse(readFileSync("package.json", "utf8"));
  for (const [name, spec] of Object.entries(manifest.overrides ?? {})) {
    if (typeof spec === "string" && spec.startsWith("file:")) manifest.overrides[name] = `file:${resolve(spec.slice(5))}`;
  }
  writeFileSync("package.json", JSON.stringify(manifest, null, 2));
'

npm install --omit=dev --ignore-scripts --install-links --os="$os" --cpu="$cpu" \
  --no-audit --no-fund --no-update-notifier --loglevel=warn

node "$here/native-addons.js" "$os" "$cpu"

# Nothing a running service reads: source maps, type declarations, read-mes (licences stay).
before=$(du -sk node_modules | cut -f1)
find node_modules -type f \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' \
  -o \( -name '*.md' ! -iname 'licen[cs]e*' ! -iname 'notice*' \) \) -delete
echo "node_modules: $(( before / 1024 )) MiB, $(( $(du -sk node_modules | cut -f1) / 1024 )) MiB once pruned"
