#!/usr/bin/env bash
# `npm run bench [-- options]`: builds kbinlog and the bench, then runs bench/dist/main.js, which
# starts its own local cluster, runs the scenarios and prints one table (see docs/performance.md).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The reference memcached comes from Debian. Its package would start a system-wide memcached on
# 11211 (kbinlog's default memcached port): a temporary policy-rc.d stops that, as
# infra/local/mariadb.sh does for MariaDB. Without memcached the memcached columns stay empty.
install_memcached() {
  local policy=/usr/sbin/policy-rc.d created=
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created=1
  fi
  apt-get install -y -q memcached >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q memcached >/dev/null 2>&1; } ||
    printf '[bench] could not install memcached: the memcached reference is skipped\n' >&2
  [[ -z $created ]] || rm -f "$policy"
}

[[ -d node_modules ]] || npm ci --no-audit --no-fund
if ! command -v memcached >/dev/null && command -v apt-get >/dev/null && [[ $(id -u) == 0 ]]; then
  printf '[bench] installing memcached (the reference)…\n' >&2
  install_memcached
fi
printf '[bench] building kbinlog and the bench…\n' >&2
node tools/build/build.js
npx tsc -p bench/tsconfig.json
exec node bench/dist/main.js "$@"
