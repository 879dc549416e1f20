#!/usr/bin/env bash
# The run command (`npm start`): installs what is missing and starts the local development set.
# For now that is Kafka and one MariaDB per node (source, replica-1, replica-2); the kbinlog
# services join it as they are built (see README).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ -d node_modules ]] || npm ci --no-audit --no-fund
npm run --silent build
exec bash infra/local/up.sh "$@"
