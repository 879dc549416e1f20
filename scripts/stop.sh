#!/usr/bin/env bash
# `npm stop`: stops what `npm start` started, by pid.
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/../infra/local/down.sh" "$@"
