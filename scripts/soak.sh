#!/usr/bin/env bash
# `npm run soak [-- --failovers N] [--seed S] [--cpu-hogs N] [--report FILE]`: the failover soak
# (test/soak/failover.soak.ts) against the same real Kafka and MariaDB servers the tests use,
# kept out of `npm test` because 100 rounds take about a quarter of an hour. Prints one line per
# round and a summary; --report writes the summary and every round as JSON.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

usage() {
  sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
number() {
  [[ $2 =~ ^[0-9]+$ ]] || { printf 'soak: %s wants a whole number, got %q\n' "$1" "$2" >&2; exit 2; }
}
while (($#)); do
  case $1 in
    --failovers) number "$1" "${2-}"; export KBINLOG_SOAK_FAILOVERS=$2; shift 2 ;;
    --seed) number "$1" "${2-}"; export KBINLOG_SOAK_SEED=$2; shift 2 ;;
    --cpu-hogs) number "$1" "${2-}"; export KBINLOG_SOAK_CPU_HOGS=$2; shift 2 ;;
    --report) [[ -n ${2-} ]] || usage; KBINLOG_SOAK_REPORT=$(realpath -m "$2"); export KBINLOG_SOAK_REPORT; shift 2 ;;
    -h | --help) usage ;;
    *) printf 'soak: unknown option %q\n' "$1" >&2; usage ;;
  esac
done

[[ -d node_modules ]] || npm ci --no-audit --no-fund
npm run --silent build
exec npx jest -c tools/jest/soak.config.js
