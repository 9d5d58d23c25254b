#!/usr/bin/env bash
# Sourced by up.sh and test.sh: Node dependencies installed, servers listening, and the
# servers this run started stopped again when it ends.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
bash tools/install.sh
bash tools/stack/stack.sh up
trap 'bash tools/stack/stack.sh down' EXIT
