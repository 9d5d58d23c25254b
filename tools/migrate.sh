#!/usr/bin/env bash
# `npm run migrate`: applies pending database migrations (once, under an advisory lock) with
# the DATABASE_* variables of the environment, then exits. In production, run the gateway
# image with the argument `migrate` as a one-off job before rolling out.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
npx nx run gateway:build --output-style=static >/dev/null
node dist/apps/gateway/main.js migrate
