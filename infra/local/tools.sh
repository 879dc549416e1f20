#!/usr/bin/env bash
# The operators' tools kbinlog is tested against (Debian packages nobody here wrote), installed
# on demand without starting any system-wide service.
set -euo pipefail
KBINLOG_COMPONENT=tools
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# tool name → its Debian package, and the binary that shows it is installed
declare -A PACKAGE=([mysqld-exporter]=prometheus-mysqld-exporter [pt-heartbeat]=percona-toolkit [prometheus]=prometheus)
declare -A BINARY=([mysqld-exporter]=/usr/bin/prometheus-mysqld-exporter [pt-heartbeat]=/usr/bin/pt-heartbeat [prometheus]=/usr/bin/prometheus)

usage() {
  cat <<EOF
Usage: infra/local/tools.sh install TOOL...

Installs each tool's Debian package if its binary is missing.
Tools: ${!PACKAGE[*]}
EOF
}

install_tools() {
  local tool missing=()
  (($#)) || die "name at least one tool: ${!PACKAGE[*]}"
  for tool in "$@"; do
    [[ -n ${PACKAGE[$tool]:-} ]] || die "unknown tool '$tool' (known: ${!PACKAGE[*]})"
    [[ -x ${BINARY[$tool]} ]] || missing+=("${PACKAGE[$tool]}")
  done
  if ((${#missing[@]})); then apt_install "${missing[@]}"; fi
  for tool in "$@"; do
    [[ -x ${BINARY[$tool]} ]] || die "${PACKAGE[$tool]} is installed but ${BINARY[$tool]} is missing"
  done
}

case ${1:-} in
  install)
    shift
    install_tools "$@"
    ;;
  -h | --help | help | '') usage ;;
  *)
    usage >&2
    exit 2
    ;;
esac
