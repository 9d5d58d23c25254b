#!/usr/bin/env bash
# `npm run up`: everything needed to run Sokoul on this machine, in the foreground.
# Installs dependencies, starts Postgres/Redis/NATS if none is listening, builds the five
# services, applies migrations, then runs them with readable logs. Ctrl-C stops them all,
# and the servers this script started.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/prepare.sh"
# A development signing key for access tokens, made once and kept with the local data.
if [ -z "${AUTH_JWT_SECRET:-}" ]; then
  if [ ! -s .stack/auth-jwt-secret ]; then (umask 077 && head -c 48 /dev/urandom | base64 -w0 >.stack/auth-jwt-secret); fi
  AUTH_JWT_SECRET="$(cat .stack/auth-jwt-secret)"
  export AUTH_JWT_SECRET
fi
npx nx run-many -t build -p gateway scout hunter oracle sentinel --output-style=static
node dist/apps/gateway/main.js migrate
node tools/dev/run-all.js
