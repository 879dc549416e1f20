#!/usr/bin/env bash
# The test command (`npm test`): installs what is missing, builds, checks types and module
# boundaries, then runs every test — unit, integration, end-to-end — in one Jest run against a
# real Kafka broker and real MariaDB servers (testcontainers with Docker, else infra/local).
# Extra arguments go to Jest, e.g. `npm test -- --selectProjects libs/binlog`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() {
  local name=$1 started=$SECONDS
  shift
  printf '[test] %s…\n' "$name" >&2
  if ! "$@"; then
    printf '[test] %s failed\n0 passed, 1 failed\n' "$name"
    exit 1
  fi
  printf '[test] %s: %d s\n' "$name" $((SECONDS - started)) >&2
}

[[ -d node_modules ]] || step 'npm ci' npm ci --no-audit --no-fund
step build npm run --silent build
step typecheck npx tsc -p tsconfig.json --noEmit
# The module-boundary rule reads Nx's cached project graph and silently skips without one.
step 'project graph' npx nx show projects
step lint npx eslint --max-warnings 0 .

summary=$(mktemp)
trap 'rm -f "$summary"' EXIT
started=$SECONDS
status=0
KBINLOG_TEST_SUMMARY_FILE=$summary npx jest "$@" || status=$?
printf '[test] jest: %d s\n' $((SECONDS - started)) >&2
if [[ -s $summary ]]; then
  cat "$summary"
else
  echo '0 passed, 1 failed'
fi
exit $status
