#!/usr/bin/env bash
# `npm stop`: stops the local cluster `npm start` started (nodes by pid, then MariaDB and Kafka).
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/../bin/kbinlog" stack down "$@"
