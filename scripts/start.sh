#!/usr/bin/env bash
# The run command (`npm start`): installs what is missing, builds, and starts the local cluster —
# Kafka, a source, two replicas and the coordinator, each node with its own MariaDB — then prints
# how to connect. Arguments go to `kbinlog stack up`, e.g. `npm start -- --replicas 3`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ -d node_modules ]] || npm ci --no-audit --no-fund
npm run --silent build
exec bin/kbinlog stack up --detach "$@"
