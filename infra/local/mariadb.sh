#!/usr/bin/env bash
# Independent MariaDB servers side by side (Debian packages), each with its own data dir, port
# and socket, so a replication source and its replicas can run on one machine without Docker.
set -euo pipefail
KBINLOG_COMPONENT=mariadb
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# Debian puts mariadbd in /usr/sbin, which non-root users often lack on PATH.
PATH=$PATH:/usr/sbin
START_TIMEOUT=${KBINLOG_MARIADB_START_TIMEOUT:-60}
STOP_TIMEOUT=${KBINLOG_MARIADB_STOP_TIMEOUT:-30}
APP_USER=kbinlog
APP_PASSWORD=kbinlog
# An application account without READ_ONLY ADMIN: on a replica (read_only=ON) its writes get
# error 1290, as MySQL replicas refuse client writes; kbinlog's own account applies regardless.
CLIENT_USER=app
CLIENT_PASSWORD=app

usage() {
  cat <<EOF
Usage: infra/local/mariadb.sh COMMAND [options]

Independent local MariaDB servers from Debian packages, one per --name.

Commands:
  install                       apt-get install mariadb-server/mariadb-client if missing
                                (without starting the system-wide service)
  start --name NAME --port PORT start an instance and wait until it answers; the first start
                                creates the data dir and the user $APP_USER/$APP_PASSWORD (all
                                privileges, over TCP); later starts may omit --port
  stop --name NAME              clean shutdown (SIGTERM/SIGKILL of our pid as a fallback)
  status [--name NAME]          print one instance, or all of them; exit 0 if running, else 3
  client --name NAME [ARGS]     run the mariadb client as root over the instance's socket
  wipe --name NAME              delete a stopped instance's state (data, logs)

Each instance: bound to 127.0.0.1:PORT, server_id = PORT, binlog on (ROW format), utf8mb4,
  small memory footprint; connect with mysql://$APP_USER:$APP_PASSWORD@127.0.0.1:PORT/
  (root has no password and works only over the socket: use the client command).
State: $KBINLOG_STATE/mariadb-NAME/ (data/, mariadb.sock, mariadb.pid, error.log)

Environment: KBINLOG_MARIADB_START_TIMEOUT ($START_TIMEOUT s), KBINLOG_MARIADB_STOP_TIMEOUT
  ($STOP_TIMEOUT s), KBINLOG_STATE_DIR
EOF
}

NAME="" PORT=""

# parse_opts "ALLOWED OPTIONS" ARGS...: sets NAME and PORT.
parse_opts() {
  local allowed=$1
  shift
  while (($#)); do
    case $1 in -h | --help) usage; exit 0 ;; esac
    [[ " $allowed " == *" $1 "* ]] || die "unknown option '$1' (see --help)"
    (($# >= 2)) || die "$1 needs a value"
    case $1 in
      --name) NAME=$2 ;;
      --port) PORT=$2 ;;
    esac
    shift 2
  done
  if [[ -n $NAME ]]; then check_name "$NAME"; fi
}

require_name() { [[ -n $NAME ]] || die "$1 needs --name NAME (see --help)"; }

server_binary() { command -v mariadbd || command -v mysqld; }

cmd_install() {
  local missing=()
  server_binary >/dev/null || missing+=(mariadb-server)
  command -v mariadb >/dev/null && command -v mariadb-admin >/dev/null || missing+=(mariadb-client)
  if ((${#missing[@]})); then apt_install "${missing[@]}"; fi
  server_binary >/dev/null || die "no mariadbd/mysqld after installing mariadb-server"
}

# Instance paths for NAME.
set_instance() {
  DIR=$KBINLOG_STATE/mariadb-$NAME
  DATA=$DIR/data
  SOCK=$DIR/mariadb.sock
  PIDFILE=$DIR/mariadb.pid
  ERRLOG=$DIR/error.log
}

# Our process: the pid file's process, serving this instance's data dir.
running() { pid_alive "$PIDFILE" "--datadir=$DATA"; }

recorded_port() { cat "$DIR/port" 2>/dev/null; }

# Root over the socket, as everywhere here; --no-defaults keeps /etc/mysql and ~/.my.cnf out of it.
ping_ok() { mariadb-admin --no-defaults --socket="$SOCK" -uroot --connect-timeout=2 ping >/dev/null 2>&1; }

describe() {
  local pid port
  port=$(recorded_port)
  if running; then
    pid=$(read_pid "$PIDFILE")
    echo "mariadb '$NAME': running, pid $pid, mysql://$APP_USER:$APP_PASSWORD@127.0.0.1:$port/, socket $SOCK, log $ERRLOG"
  elif [[ -d $DIR ]]; then
    echo "mariadb '$NAME': stopped (port ${port:-unknown}), log $ERRLOG"
  else
    echo "mariadb '$NAME': stopped (never started: no $DIR)"
  fi
}

# First start only: the application account, and root reachable through the socket alone.
create_users() {
  mariadb --no-defaults --socket="$SOCK" -uroot <<EOF
-- Local bootstrap, not data: keep it out of the binlog so nothing replicates it.
SET SESSION sql_log_bin = 0;
CREATE USER '$APP_USER'@'%' IDENTIFIED BY '$APP_PASSWORD';
CREATE USER '$APP_USER'@'localhost' IDENTIFIED BY '$APP_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO '$APP_USER'@'%' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO '$APP_USER'@'localhost' WITH GRANT OPTION;
-- mariadb-install-db also creates password-less root accounts for TCP clients.
DROP USER IF EXISTS 'root'@'127.0.0.1', 'root'@'::1', 'root'@'$HOSTNAME';
EOF
}

# Every start (instances made before it existed get it too).
ensure_client_user() {
  mariadb --no-defaults --socket="$SOCK" -uroot <<EOF
SET SESSION sql_log_bin = 0;
CREATE USER IF NOT EXISTS '$CLIENT_USER'@'%' IDENTIFIED BY '$CLIENT_PASSWORD';
CREATE USER IF NOT EXISTS '$CLIENT_USER'@'localhost' IDENTIFIED BY '$CLIENT_PASSWORD';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, SHOW VIEW ON *.* TO '$CLIENT_USER'@'%';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, SHOW VIEW ON *.* TO '$CLIENT_USER'@'localhost';
EOF
}

cmd_start() {
  require_name start
  set_instance
  if running; then
    local port
    port=$(recorded_port)
    [[ -z $PORT || $PORT == "$port" ]] ||
      die "instance '$NAME' already runs on port $port; stop it before moving it to $PORT"
    wait_until "running instance '$NAME' to answer on $SOCK" "$START_TIMEOUT" ping_ok ||
      die "instance '$NAME' (pid $(read_pid "$PIDFILE")) runs but does not answer; see $ERRLOG"
    log "already running"
    describe
    return 0
  fi

  PORT=${PORT:-$(recorded_port)}
  [[ -n $PORT ]] || die "the first start of '$NAME' needs --port PORT"
  check_port "$PORT"
  ! port_open "$PORT" ||
    die "port $PORT on 127.0.0.1 is held by another process, not by MariaDB instance '$NAME'; find it with: ss -ltnp 'sport = :$PORT'"
  # Unix socket paths are limited to 107 bytes.
  ((${#SOCK} <= 107)) || die "socket path $SOCK is too long for a Unix socket; set KBINLOG_STATE_DIR to a shorter directory"
  cmd_install

  local t0 pid
  t0=$(now_ms)
  mkdir -p "$DIR"
  # No marker means no first start ever completed (or it died half-way): initialize afresh.
  if [[ ! -f $DIR/initialized ]]; then
    rm -rf "$DATA"
    mkdir -p "$DIR/tmp"
    log "initializing $DATA"
    # Each instance its own tmpdir: install-db runs side by side collided on temp tables in /tmp.
    mariadb-install-db --no-defaults --datadir="$DATA" --tmpdir="$DIR/tmp" --auth-root-authentication-method=normal \
      --skip-test-db --user=root >"$DIR/install-db.log" 2>&1 || {
      tail -n 40 "$DIR/install-db.log" >&2
      die "mariadb-install-db failed; full output in $DIR/install-db.log"
    }
  fi
  echo "$PORT" >"$DIR/port"
  rm -f "$PIDFILE"
  mkdir -p "$DIR/tmp"

  # setsid: own session, so the server outlives this shell and its terminal's Ctrl-C.
  # Binlog in ROW format: kbinlog reads row events. The last two lines keep memory small; a
  # table_open_cache of 400 also keeps the open-files request under a 20000 ulimit (no warning).
  setsid "$(server_binary)" --no-defaults --datadir="$DATA" --tmpdir="$DIR/tmp" --port="$PORT" --socket="$SOCK" \
    --pid-file="$PIDFILE" --log-error="$ERRLOG" --bind-address=127.0.0.1 --skip-name-resolve \
    --user=root --server-id="$PORT" --log-bin=mariadb-bin --binlog-format=ROW \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --innodb-buffer-pool-size=64M --innodb-log-file-size=48M --performance-schema=OFF \
    --max-connections=200 --table-open-cache=400 >>"$ERRLOG" 2>&1 </dev/null &
  pid=$!
  log "started '$NAME' (pid $pid) on 127.0.0.1:$PORT; log: $ERRLOG"

  if ! wait_until --pid "$pid" "MariaDB '$NAME' to answer on $SOCK" "$START_TIMEOUT" ping_ok; then
    log "last 40 lines of $ERRLOG:"
    tail -n 40 "$ERRLOG" >&2
    if proc_running "$pid"; then stop_pid "$pid" 10 "mariadbd '$NAME'"; fi
    die "MariaDB instance '$NAME' did not start"
  fi
  if [[ ! -f $DIR/initialized ]]; then
    create_users || die "creating the $APP_USER user in '$NAME' failed"
    touch "$DIR/initialized"
  fi
  ensure_client_user || die "creating the $CLIENT_USER user in '$NAME' failed"
  log "'$NAME' ready in $(since "$t0")"
  describe
}

cmd_stop() {
  require_name stop
  set_instance
  if ! running; then
    rm -f "$PIDFILE"
    log "instance '$NAME' is not running"
    return 0
  fi
  local pid t0
  pid=$(read_pid "$PIDFILE")
  t0=$(now_ms)
  # A clean shutdown through the socket; signals only if the server does not cooperate.
  if ! timeout "$STOP_TIMEOUT" mariadb-admin --no-defaults --socket="$SOCK" -uroot shutdown >/dev/null 2>&1 ||
    ! wait_until "mariadbd '$NAME' (pid $pid) to exit" "$STOP_TIMEOUT" proc_gone "$pid"; then
    log "clean shutdown of '$NAME' failed; signalling pid $pid"
    stop_pid "$pid" "$STOP_TIMEOUT" "mariadbd '$NAME'" || die "could not stop '$NAME' (pid $pid)"
  fi
  rm -f "$PIDFILE"
  log "stopped '$NAME' (pid $pid) in $(since "$t0")"
}

cmd_status() {
  if [[ -n $NAME ]]; then
    set_instance
    describe
    running || return 3
    return 0
  fi
  local dir all_running=1 found=0
  for dir in "$KBINLOG_STATE"/mariadb-*/; do
    [[ -d $dir ]] || continue
    found=1
    NAME=$(basename "$dir")
    NAME=${NAME#mariadb-}
    set_instance
    describe
    running || all_running=0
  done
  ((found)) || echo "no MariaDB instances under $KBINLOG_STATE"
  ((found && all_running)) || return 3
}

cmd_client() {
  # Only a leading --name is ours; everything after it goes to the mariadb client.
  case ${1-} in -h | --help) usage; exit 0 ;; esac
  [[ ${1-} == --name && $# -ge 2 ]] || die "usage: infra/local/mariadb.sh client --name NAME [mariadb client args...]"
  NAME=$2
  shift 2
  check_name "$NAME"
  set_instance
  running || die "instance '$NAME' is not running; start it with: infra/local/mariadb.sh start --name $NAME"
  exec mariadb --no-defaults --socket="$SOCK" -uroot "$@"
}

cmd_wipe() {
  require_name wipe
  set_instance
  ! running || die "instance '$NAME' is running (pid $(read_pid "$PIDFILE")); stop it first: infra/local/mariadb.sh stop --name $NAME"
  if [[ ! -d $DIR ]]; then
    log "nothing to wipe: $DIR does not exist"
    return 0
  fi
  rm -rf -- "$DIR"
  log "removed $DIR"
}

main() {
  local cmd=${1:-}
  (($#)) && shift
  case $cmd in
    install)
      parse_opts "" "$@"
      cmd_install
      log "MariaDB is installed: $("$(server_binary)" --version)"
      ;;
    start)
      parse_opts "--name --port" "$@"
      cmd_start
      ;;
    stop | status | wipe)
      parse_opts "--name" "$@"
      "cmd_$cmd"
      ;;
    client) cmd_client "$@" ;;
    -h | --help | help) usage ;;
    "") usage >&2; exit 2 ;;
    *) die "unknown command '$cmd' (see --help)" ;;
  esac
}

main "$@"
