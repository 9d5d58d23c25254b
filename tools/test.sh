#!/usr/bin/env bash
# `npm test`: installs what the tests need (Node dependencies; Postgres, Redis and NATS from
# Debian's packages when none is listening), then lint, every project's unit and integration
# tests, the builds, and the end-to-end suite against the services as real processes.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/prepare.sh"
bash tools/stack/test-tools.sh
rm -rf tmp/test-results
npx nx run-many -t lint test build --output-style=static
npx nx run e2e:e2e --output-style=static
npx nx run chaos:e2e --output-style=static
npx nx run load:e2e --output-style=static
node tools/jest/summary.js
