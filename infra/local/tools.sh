#!/usr/bin/env bash
# The operators' tools kbinlog is tested against (software nobody here wrote), installed on
# demand without starting any system-wide service: Debian packages (apt-get), a Go tool
# (go install, into the cache) and a Python tool (pip, into its own virtualenv in the cache).
set -euo pipefail
KBINLOG_COMPONENT=tools
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

HELM_VERSION=${KBINLOG_HELM_VERSION:-v3.21.4}
KUBERNETES_VALIDATE_VERSION=${KBINLOG_KUBERNETES_VALIDATE_VERSION:-1.37.0}
TOOLS_DIR=$KBINLOG_CACHE/tools
GO_BIN=$TOOLS_DIR/go-bin
K8S_VALIDATE_VENV=$TOOLS_DIR/kubernetes-validate-$KUBERNETES_VALIDATE_VERSION

# Debian-packaged tools: name → package, and the binary that shows it is installed.
declare -A PACKAGE=([mysqld-exporter]=prometheus-mysqld-exporter [pt-heartbeat]=percona-toolkit [prometheus]=prometheus)
declare -A BINARY=([mysqld-exporter]=/usr/bin/prometheus-mysqld-exporter [pt-heartbeat]=/usr/bin/pt-heartbeat [prometheus]=/usr/bin/prometheus)
OTHER_TOOLS=(helm kubernetes-validate)
ALL_TOOLS="${!PACKAGE[*]} ${OTHER_TOOLS[*]}"

usage() {
  cat <<EOF
Usage: infra/local/tools.sh install TOOL...
       infra/local/tools.sh path TOOL

install: installs each tool if it is missing (re-running is instant).
path:    prints the installed tool's executable; exits 1 if it is not installed.

Tools: $ALL_TOOLS
  mysqld-exporter, pt-heartbeat  Debian packages (apt-get; needs root)
  helm                           helm.sh/helm/v3 $HELM_VERSION by 'go install' into
                                 $GO_BIN (Go from Debian's golang-go
                                 if missing, which needs root; a newer toolchain, if helm
                                 asks for one, comes from the Go module proxy)
  kubernetes-validate            PyPI kubernetes-validate==$KUBERNETES_VALIDATE_VERSION in the virtualenv
                                 $K8S_VALIDATE_VENV
                                 (python3-venv from Debian if missing, which needs root)
An executable of the right version already on PATH (or in \$(go env GOPATH)/bin) is used as is.
Environment: KBINLOG_CACHE_DIR, KBINLOG_HELM_VERSION, KBINLOG_KUBERNETES_VALIDATE_VERSION
EOF
}

# --- helm (go install) ---------------------------------------------------------------------
# A helm binary is accepted if it is HELM_VERSION: 'go version -m' names the module version of
# a go-installed binary (whose own 'helm version' says only vX.Y), 'helm version' that of a release.
helm_is_wanted() {
  [[ -x $1 ]] || return 1
  if command -v go >/dev/null && go version -m "$1" 2>/dev/null | grep -Eq "^[[:space:]]+mod[[:space:]]+helm\.sh/helm/v3[[:space:]]+$HELM_VERSION([[:space:]]|$)"; then
    return 0
  fi
  [[ $("$1" version --template '{{.Version}}' 2>/dev/null) == "$HELM_VERSION" ]]
}

helm_path() {
  local candidate gopath=""
  if command -v go >/dev/null; then gopath=$(go env GOPATH 2>/dev/null || true); fi
  for candidate in "$GO_BIN/helm" "$(command -v helm || true)" "${gopath:+$gopath/bin/helm}"; do
    if [[ -n $candidate ]] && helm_is_wanted "$candidate"; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

install_helm() {
  helm_path >/dev/null && return 0
  command -v go >/dev/null || apt_install golang-go
  log "building helm $HELM_VERSION with go install into $GO_BIN (minutes on a small machine)"
  mkdir -p "$GO_BIN"
  # GOTOOLCHAIN=auto: if Debian's Go is older than helm's go.mod asks for, the go command fetches
  # the toolchain it needs from the Go module proxy.
  GOBIN=$GO_BIN GOTOOLCHAIN=${GOTOOLCHAIN:-auto} go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" >&2 ||
    die "go install helm.sh/helm/v3/cmd/helm@$HELM_VERSION failed"
  helm_path >/dev/null || die "go install finished but $GO_BIN/helm is not helm $HELM_VERSION"
}

# --- kubernetes-validate (pip) -------------------------------------------------------------
k8s_validate_is_wanted() {
  [[ -x $1 ]] && [[ $("$1" --version 2>/dev/null) == *"$KUBERNETES_VALIDATE_VERSION"* ]]
}

k8s_validate_path() {
  local candidate
  for candidate in "$K8S_VALIDATE_VENV/bin/kubernetes-validate" "$(command -v kubernetes-validate || true)"; do
    if [[ -n $candidate ]] && k8s_validate_is_wanted "$candidate"; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

install_k8s_validate() {
  k8s_validate_path >/dev/null && return 0
  command -v python3 >/dev/null || apt_install python3
  python3 -c 'import venv, ensurepip' 2>/dev/null || apt_install python3-venv
  log "installing kubernetes-validate==$KUBERNETES_VALIDATE_VERSION (PyPI) into $K8S_VALIDATE_VENV"
  # A virtualenv's scripts name its interpreter by absolute path, so it is built where it stays;
  # an interrupted install fails the version check above and is rebuilt from scratch.
  rm -rf "$K8S_VALIDATE_VENV"
  mkdir -p "$TOOLS_DIR"
  python3 -m venv "$K8S_VALIDATE_VENV" >&2 || die "python3 -m venv $K8S_VALIDATE_VENV failed"
  "$K8S_VALIDATE_VENV/bin/pip" install --quiet --disable-pip-version-check "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" >&2 ||
    die "pip install kubernetes-validate==$KUBERNETES_VALIDATE_VERSION failed"
  k8s_validate_path >/dev/null || die "kubernetes-validate $KUBERNETES_VALIDATE_VERSION is not runnable from $K8S_VALIDATE_VENV"
}

# --- commands ------------------------------------------------------------------------------
known() {
  [[ -n ${PACKAGE[$1]:-} || " ${OTHER_TOOLS[*]} " == *" $1 "* ]] || die "unknown tool '$1' (known: $ALL_TOOLS)"
}

install_tools() {
  local tool missing=()
  (($#)) || die "name at least one tool: $ALL_TOOLS"
  for tool in "$@"; do known "$tool"; done
  for tool in "$@"; do
    if [[ -n ${PACKAGE[$tool]:-} && ! -x ${BINARY[$tool]} ]]; then missing+=("${PACKAGE[$tool]}"); fi
  done
  if ((${#missing[@]})); then apt_install "${missing[@]}"; fi
  for tool in "$@"; do
    case $tool in
      helm) install_helm ;;
      kubernetes-validate) install_k8s_validate ;;
      *) [[ -x ${BINARY[$tool]} ]] || die "${PACKAGE[$tool]} is installed but ${BINARY[$tool]} is missing" ;;
    esac
  done
}

tool_path() {
  (($# == 1)) || die "path takes one tool: $ALL_TOOLS"
  known "$1"
  case $1 in
    helm) helm_path ;;
    kubernetes-validate) k8s_validate_path ;;
    *) [[ -x ${BINARY[$1]} ]] && echo "${BINARY[$1]}" ;;
  esac
}

case ${1:-} in
  install)
    shift
    install_tools "$@"
    ;;
  path)
    shift
    tool_path "$@"
    ;;
  -h | --help | help | '') usage ;;
  *)
    usage >&2
    exit 2
    ;;
esac
