#!/usr/bin/env bash
# Makes sure node_modules/mediasoup has a working mediasoup-worker binary.
#   1. the installed one, if it runs on this host;
#   2. a cached one (keyed by mediasoup version, platform and arch) in
#      ${LECTERN_CACHE_DIR:-~/.cache/lectern};
#   3. mediasoup's prebuilt release download, where the network allows it;
#   4. a build from source against Debian's packages (scripts/system-deps.sh build).
# Idempotent: the second run takes well under a second.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PKG="$ROOT/node_modules/mediasoup"
[ -f "$PKG/package.json" ] || { echo "ensure-worker: $PKG missing; run npm ci first" >&2; exit 1; }
VERSION=$(node -p "require('$PKG/package.json').version")
PLATFORM=$(node -p "process.platform + '-' + process.arch")
KERNEL=$(uname -r | cut -d. -f1)
TARGET="$PKG/worker/out/Release/mediasoup-worker"
CACHE_DIR="${LECTERN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/lectern}/mediasoup-worker"
CACHED="$CACHE_DIR/$VERSION-$PLATFORM/mediasoup-worker"

# A worker started without MEDIASOUP_VERSION exits with status 41: the check mediasoup
# itself uses to tell that a binary runs on this host.
runs() { [ -x "$1" ] || return 1; local rc=0; env -i "$1" >/dev/null 2>&1 || rc=$?; [ "$rc" = 41 ]; }
log() { echo "[ensure-worker] $*" >&2; }

if runs "$TARGET"; then
  if [ ! -x "$CACHED" ]; then mkdir -p "$(dirname "$CACHED")"; cp "$TARGET" "$CACHED"; fi
  exit 0
fi
mkdir -p "$(dirname "$TARGET")"
if runs "$CACHED"; then
  cp "$CACHED" "$TARGET"; log "mediasoup-worker $VERSION from cache ($CACHED)"; exit 0
fi

if [ "${LECTERN_SKIP_PREBUILT:-0}" != 1 ]; then
  REPO=$(node -p "require('$PKG/package.json').repository.url.replace(/^git\\+/, '').replace(/\\.git\$/, '')")
  URL="$REPO/releases/download/$VERSION/mediasoup-worker-$VERSION-$PLATFORM-kernel$KERNEL.tgz"
  log "trying the prebuilt worker: $URL"
  TMP=$(mktemp -d)
  if curl -fsSL --connect-timeout 10 --max-time 120 "$URL" -o "$TMP/w.tgz" 2>/dev/null \
     && tar xzf "$TMP/w.tgz" -C "$TMP" && runs "$TMP/mediasoup-worker"; then
    cp "$TMP/mediasoup-worker" "$TARGET"; rm -rf "$TMP"
    mkdir -p "$(dirname "$CACHED")"; cp "$TARGET" "$CACHED"
    log "prebuilt mediasoup-worker $VERSION installed"; exit 0
  fi
  rm -rf "$TMP"
  log "no prebuilt worker reachable; building it from source with Debian's libraries (about 4 minutes on 2 cores)"
fi

"$ROOT/scripts/system-deps.sh" build runtime
START=$(date +%s)
"$ROOT/scripts/worker/build-from-source.sh" "$PKG" "$CACHED"
runs "$CACHED" || { log "the built worker does not run on this host"; exit 1; }
cp "$CACHED" "$TARGET"
log "mediasoup-worker $VERSION built in $(( $(date +%s) - START ))s, cached at $CACHED"
