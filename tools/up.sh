#!/usr/bin/env bash
# `npm run up`: everything needed to run Sokoul on this machine, in the foreground.
# Installs dependencies, starts Postgres/Redis/NATS if none is listening, builds the five
# services, applies migrations, then runs them with readable logs. Ctrl-C stops them all,
# and the servers this script started.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/prepare.sh"
# Development secrets, made once and kept with the local data (never in the repository): the
# access-token signing key and the key that encrypts credentials stored in the database.
local_secret() {
  local name="$1" file=".stack/$2"
  if [ -z "${!name:-}" ]; then
    if [ ! -s "$file" ]; then (umask 077 && head -c 48 /dev/urandom | base64 -w0 >"$file"); fi
    export "$name=$(cat "$file")"
  fi
}
local_secret AUTH_JWT_SECRET auth-jwt-secret
local_secret SECRETS_ENCRYPTION_KEY secrets-encryption-key
npx nx run-many -t build -p gateway scout hunter oracle sentinel --output-style=static
node dist/apps/gateway/main.js migrate
node tools/dev/run-all.js
