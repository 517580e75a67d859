#!/usr/bin/env bash
# Builds the service image from Containerfile with its version taken from one place:
# VersionPrefix in Directory.Build.props plus the checked-out git commit. Extra
# arguments go to the build (e.g. -t quay.io/example/waiverdb:latest).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

engine=${CONTAINER_ENGINE:-podman}
version=$(sed -n 's:.*<VersionPrefix>\(.*\)</VersionPrefix>.*:\1:p' Directory.Build.props)
commit=$(git rev-parse HEAD)
if [[ -n "$(git status --porcelain)" ]]; then
    echo "build-image: the working tree has uncommitted changes; the image will not match $commit" >&2
fi

exec "$engine" build -f Containerfile -t "waiverdb:$version" \
    --build-arg VERSION="$version" --build-arg GIT_COMMIT="$commit" "$@" .
