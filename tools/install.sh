#!/usr/bin/env bash
# Installs the Node dependencies when they are missing or older than package-lock.json.
#
# `npm install`, not `npm ci`: the registry mirror this project is built against serves only
# Linux builds of packages with per-platform binaries (@swc/core, sass-embedded), so the lock
# file cannot list the macOS/Windows variants and `npm ci` rejects it as out of sync.
# `npm install` follows the lock file for everything it lists.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[install] npm install"
  npm install --no-audit --no-fund --loglevel=error
fi
