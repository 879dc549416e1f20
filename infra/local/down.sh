#!/usr/bin/env bash
# Stops every Kafka and MariaDB instance that has a pid file under the state dir, i.e. all
# that kafka.sh / mariadb.sh (and so up.sh) started. Keeps their data; use wipe to delete it.
set -euo pipefail
KBINLOG_COMPONENT=down
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() {
  cat <<EOF
Usage: infra/local/down.sh

Stops all instances with a pid file under $KBINLOG_STATE
(kafka-NAME/kafka.pid, mariadb-NAME/mariadb.pid). Data, logs and caches are kept.
EOF
}

case ${1-} in
  "") ;;
  -h | --help) usage; exit 0 ;;
  *) die "unexpected argument '$1' (see --help)" ;;
esac

failed=0 stopped=0
# MariaDB first, then Kafka: the reverse of up.sh.
for pidfile in "$KBINLOG_STATE"/mariadb-*/mariadb.pid "$KBINLOG_STATE"/kafka-*/kafka.pid; do
  [[ -e $pidfile ]] || continue
  dir=$(basename "$(dirname "$pidfile")")
  kind=${dir%%-*}
  # Keep going when one instance fails to stop, so the others still go down.
  "$KBINLOG_INFRA_DIR/$kind.sh" stop --name "${dir#"$kind"-}" || failed=1
  stopped=$((stopped + 1))
done
((stopped)) || log "nothing to stop: no pid files under $KBINLOG_STATE"
((!failed)) || die "some instances did not stop (see above)"
