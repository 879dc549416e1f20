# shellcheck shell=bash
# Shared paths and helpers for the infra/local scripts. Source it; don't run it.
#
# Callers set KBINLOG_COMPONENT (used in log lines) before sourcing.

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  cat <<'EOF'
common.sh is sourced by kafka.sh, mariadb.sh, up.sh and down.sh; it does nothing on its own.

Environment it reads:
  KBINLOG_CACHE_DIR  downloads/installs (default: $HOME/.cache/kbinlog)
  KBINLOG_STATE_DIR  data dirs, logs, pid files (default: <repo root>/.kbinlog)
EOF
  exit 0
fi

KBINLOG_INFRA_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KBINLOG_REPO_ROOT=$(cd "$KBINLOG_INFRA_DIR/../.." && pwd)
# shellcheck disable=SC2034 # used by the scripts that source this file
KBINLOG_CACHE=${KBINLOG_CACHE_DIR:-$HOME/.cache/kbinlog}
# shellcheck disable=SC2034
KBINLOG_STATE=${KBINLOG_STATE_DIR:-$KBINLOG_REPO_ROOT/.kbinlog}
: "${KBINLOG_COMPONENT:=kbinlog}"

log() { printf '%(%Y-%m-%d %H:%M:%S)T [%s] %s\n' -1 "$KBINLOG_COMPONENT" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Milliseconds since the epoch, from the bash 5 builtin (no fork of date).
now_ms() { local us=${EPOCHREALTIME/[.,]/}; echo $((us / 1000)); }

# Seconds elapsed since a now_ms value, e.g. "12.3s".
since() { local ms=$(($(now_ms) - $1)); printf '%d.%ds' $((ms / 1000)) $((ms % 1000 / 100)); }

# Instance names become directory names: keep them to a safe alphabet.
check_name() {
  [[ $1 =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*$ ]] || die "invalid instance name '$1' (use letters, digits, '.', '_', '-')"
}

check_port() {
  if ! [[ $1 =~ ^[0-9]+$ ]] || (($1 < 1 || $1 > 65535)); then die "invalid port '$1'"; fi
}

# True while PID is a live process; a zombie (state Z) counts as gone. Not judged by an empty
# cmdline: that is also what /proc shows while a process is in execve (the java launcher
# re-executes itself), which made a starting broker look dead.
proc_running() {
  local stat
  { stat=$(<"/proc/$1/stat"); } 2>/dev/null || return 1
  stat=${stat##*) } # the command name in parentheses may hold spaces; the state follows it
  [[ ${stat%% *} != Z ]]
}

# Prints the pid stored in PIDFILE; fails if the file is missing or garbage.
read_pid() {
  local pid
  [[ -s $1 ]] && read -r pid <"$1" && [[ $pid =~ ^[0-9]+$ ]] && echo "$pid"
}

# pid_alive PIDFILE MARKER: true if PIDFILE names a live process whose command line
# contains MARKER (an instance-specific path), so a recycled pid is never mistaken for ours.
pid_alive() {
  local pid
  pid=$(read_pid "$1") || return 1
  proc_running "$pid" || return 1
  local cmdline
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) && [[ $cmdline == *"$2"* ]]
}

# True if something accepts TCP connections on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_until [--pid PID] DESCRIPTION DEADLINE_SECONDS COMMAND...
# Runs COMMAND every 0.2 s until it succeeds. Returns 1 with an error message once
# DEADLINE_SECONDS have passed, or as soon as PID (the process being waited for) is gone.
wait_until() {
  local pid=""
  if [[ $1 == --pid ]]; then pid=$2; shift 2; fi
  local what=$1 secs=$2
  shift 2
  local deadline=$(($(now_ms) + secs * 1000))
  until "$@"; do
    if [[ -n $pid ]] && ! proc_running "$pid"; then
      log "ERROR: process $pid exited while waiting for $what"
      return 1
    fi
    if (($(now_ms) >= deadline)); then
      log "ERROR: gave up after ${secs}s waiting for $what"
      return 1
    fi
    sleep 0.2
  done
}

proc_gone() { ! proc_running "$1"; }

# stop_pid PID DEADLINE_SECONDS DESCRIPTION: SIGTERM, wait, then SIGKILL as a last resort.
stop_pid() {
  local pid=$1 secs=$2 what=$3
  kill -TERM "$pid" 2>/dev/null || return 0
  wait_until "$what (pid $pid) to exit after SIGTERM" "$secs" proc_gone "$pid" && return 0
  log "sending SIGKILL to $what (pid $pid)"
  kill -KILL "$pid" 2>/dev/null || return 0
  wait_until "$what (pid $pid) to exit after SIGKILL" 10 proc_gone "$pid"
}

# apt_install PACKAGE...: installs Debian packages without letting their maintainer
# scripts start system-wide services (a policy-rc.d that exits 101 forbids that).
apt_install() {
  ((EUID == 0)) || die "installing $* needs root (apt-get); run: sudo apt-get install -y $*"
  log "installing Debian packages: $*"
  (
    policy=/usr/sbin/policy-rc.d
    saved=""
    if [[ -e $policy ]]; then
      saved=$(mktemp)
      cp -p "$policy" "$saved"
    fi
    trap 'if [[ -n $saved ]]; then mv -f "$saved" "$policy"; else rm -f "$policy"; fi' EXIT
    trap 'exit 130' INT TERM
    printf '#!/bin/sh\n# temporary, from kbinlog infra/local: no service starts during install\nexit 101\n' >"$policy"
    chmod 755 "$policy"

    # Wait for another apt/dpkg run to release its lock instead of failing at once.
    apt=(apt-get -y -q -o DPkg::Lock::Timeout=300)
    export DEBIAN_FRONTEND=noninteractive
    if ! "${apt[@]}" install "$@" >&2; then
      # Usually missing or stale package lists (fresh machine, or superseded versions).
      log "apt-get install failed; running apt-get update and retrying"
      "${apt[@]}" update >&2
      "${apt[@]}" install "$@" >&2
    fi
  ) || die "could not install Debian packages: $*"
}
