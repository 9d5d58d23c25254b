#!/usr/bin/env bash
# `npm run up`: everything needed to run Sokoul on this machine, in the foreground.
# Installs dependencies, starts Postgres/Redis/NATS if none is listening, builds the five
# services, applies migrations, then runs them with readable logs. Ctrl-C stops them all,
# and the servers this script started.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/prepare.sh"
npx nx run-many -t build -p gateway scout hunter oracle sentinel --output-style=static
node dist/apps/gateway/main.js migrate
node tools/dev/run-all.js
