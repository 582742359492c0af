#!/usr/bin/env bash
# Runs Helm 4, building it once with `go install` into the cache (like the Temporal CLI in infra/dev/stack.sh).
#   infra/deploy/helm.sh lint infra/deploy/helm/montage
#   infra/deploy/helm.sh --path       prints the binary's path (building it if needed)
set -euo pipefail

CACHE="${MONTAGE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/montage}"
HELM_VERSION="v4.3.2"
HELM_BIN="$CACHE/helm-$HELM_VERSION/helm"

die() { printf '\033[31m[helm] %s\033[0m\n' "$*" >&2; exit 1; }

if [ ! -x "$HELM_BIN" ]; then
  go="$(command -v go || echo /usr/local/go/bin/go)"
  [ -x "$go" ] || die "Go is needed once to build Helm $HELM_VERSION (go install); install Go 1.25+ and retry"
  printf '\033[36m[helm]\033[0m building Helm %s into %s (once; a few minutes)\n' "$HELM_VERSION" "$(dirname "$HELM_BIN")" >&2
  mkdir -p "$(dirname "$HELM_BIN")"
  log="$(dirname "$HELM_BIN")/build.log"
  GOBIN="$(dirname "$HELM_BIN")" "$go" install "helm.sh/helm/v4/cmd/helm@$HELM_VERSION" >"$log" 2>&1 \
    || { tail -20 "$log" >&2; die "go install of Helm $HELM_VERSION failed (log: $log)"; }
fi

if [ "${1:-}" = "--path" ]; then echo "$HELM_BIN"; exit 0; fi
exec "$HELM_BIN" "$@"
