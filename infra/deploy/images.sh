#!/usr/bin/env bash
# Builds the container images: every target of infra/deploy/Dockerfile, tagged <repo>/<target>:<version>.
#   npm run images                      all targets
#   npm run images -- web migrate       some of them
# Environment:
#   MONTAGE_IMAGE_REPO     the tag prefix (default `montage`, e.g. ghcr.io/acme/montage)
#   MONTAGE_IMAGE_VERSION  the tag (default: the root package.json's version)
#   CONTAINER_ENGINE       the CLI to build with (default `docker`; `podman` takes the same arguments)
#   NODE_IMAGE, GPU_BASE_IMAGE, ONNXRUNTIME_NODE_INSTALL
#                          passed to the build as build arguments when set (see the Dockerfile's header;
#                          GPU_BASE_IMAGE=nvidia/cuda:…-cudnn-runtime-… ONNXRUNTIME_NODE_INSTALL=cuda12 makes the
#                          gpu-worker image run the CUDA execution provider)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ALL_TARGETS=(web collab-server workflows gpu-worker hosted-worker migrate)
ENGINE="${CONTAINER_ENGINE:-docker}"
REPO="${MONTAGE_IMAGE_REPO:-montage}"
VERSION="${MONTAGE_IMAGE_VERSION:-$(node -p "require(process.argv[1]).version" "$ROOT/package.json")}"

say() { printf '\033[36m[images]\033[0m %s\n' "$*"; }
die() { printf '\033[31m[images] %s\033[0m\n' "$*" >&2; exit 1; }

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${ALL_TARGETS[@]}")
for t in "${targets[@]}"; do
  [[ " ${ALL_TARGETS[*]} " == *" $t "* ]] || die "unknown target '$t' (targets: ${ALL_TARGETS[*]})"
done

command -v "$ENGINE" >/dev/null 2>&1 \
  || die "no container engine: '$ENGINE' is not installed, so no image was built. Install Docker (or set CONTAINER_ENGINE=podman) and retry."
if ! engine_error="$("$ENGINE" info 2>&1 >/dev/null)"; then
  die "no container engine answers: \`$ENGINE info\` failed, so no image was built (is the daemon running, and may this user reach it?). It said: $(printf '%s' "$engine_error" | tail -n 2 | tr '\n' ' ')"
fi

build_args=()
for arg in NODE_IMAGE GPU_BASE_IMAGE ONNXRUNTIME_NODE_INSTALL; do
  if [ -n "${!arg:-}" ]; then build_args+=(--build-arg "$arg=${!arg}"); fi
done

for t in "${targets[@]}"; do
  say "building $REPO/$t:$VERSION"
  DOCKER_BUILDKIT=1 "$ENGINE" build -f "$ROOT/infra/deploy/Dockerfile" --target "$t" "${build_args[@]}" -t "$REPO/$t:$VERSION" "$ROOT" \
    || die "building target $t failed"
done
say "built: $(printf "$REPO/%s:$VERSION " "${targets[@]}")"
