#!/usr/bin/env bash
# Starts the local development set: one Kafka broker and the MariaDB servers source, replica-1
# and replica-2. Safe to re-run: instances that already run are left alone.
set -euo pipefail
KBINLOG_COMPONENT=up
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

KAFKA_PORT=${KBINLOG_KAFKA_PORT:-9092}
BASE_PORT=${KBINLOG_MARIADB_BASE_PORT:-3316}
MARIADB_INSTANCES=(source replica-1 replica-2)

usage() {
  cat <<EOF
Usage: infra/local/up.sh

Installs what is missing, then starts (or confirms running):
  Kafka 'kafka'          127.0.0.1:$KAFKA_PORT (KRaft controller on port+1000)
  MariaDB 'source'       127.0.0.1:$BASE_PORT
  MariaDB 'replica-1'    127.0.0.1:$((BASE_PORT + 1))
  MariaDB 'replica-2'    127.0.0.1:$((BASE_PORT + 2))
and prints where everything runs. Stop it all with infra/local/down.sh.

Environment: KBINLOG_KAFKA_PORT (9092), KBINLOG_MARIADB_BASE_PORT (3316), plus those of
  kafka.sh and mariadb.sh (see their --help).
EOF
}

case ${1-} in
  "") ;;
  -h | --help) usage; exit 0 ;;
  *) die "unexpected argument '$1' (see --help)" ;;
esac
check_port "$KAFKA_PORT"
check_port "$((BASE_PORT + ${#MARIADB_INSTANCES[@]} - 1))"

t0=$(now_ms)
"$KBINLOG_INFRA_DIR/kafka.sh" install
"$KBINLOG_INFRA_DIR/mariadb.sh" install

# Each start prints one line saying what runs where; collect them for the summary.
summary=("$("$KBINLOG_INFRA_DIR/kafka.sh" start --port "$KAFKA_PORT")")
for i in "${!MARIADB_INSTANCES[@]}"; do
  summary+=("$("$KBINLOG_INFRA_DIR/mariadb.sh" start --name "${MARIADB_INSTANCES[i]}" --port "$((BASE_PORT + i))")")
done

log "all up in $(since "$t0")"
echo "kbinlog local infrastructure (state: $KBINLOG_STATE):"
printf '  %s\n' "${summary[@]}"
echo "Kafka bootstrap servers: 127.0.0.1:$KAFKA_PORT"
echo "Kafka tools:  infra/local/kafka.sh tool consumer-groups --bootstrap-server 127.0.0.1:$KAFKA_PORT --list"
echo "MariaDB root: infra/local/mariadb.sh client --name source"
