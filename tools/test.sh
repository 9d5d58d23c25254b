#!/usr/bin/env bash
# `npm test`: installs what the tests need (Node dependencies; Postgres, Redis and NATS from
# Debian's packages when none is listening), then lint, every project's unit and integration
# tests, the builds, and the end-to-end suite against the services as real processes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false

bash tools/install.sh
bash tools/stack/stack.sh up
trap 'bash tools/stack/stack.sh down' EXIT
rm -rf tmp/test-results
npx nx run-many -t lint test build --output-style=static
npx nx run e2e:e2e --output-style=static
node tools/jest/summary.js
