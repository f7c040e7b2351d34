#!/usr/bin/env bash
# Makes sure node_modules/mediasoup has a working mediasoup-worker binary, built by the
# current recipe:
#   1. the installed one, if it runs on this host and carries the current cache key;
#   2. a cached one in ${LECTERN_CACHE_DIR:-~/.cache/lectern}, keyed by everything that
#      changes the binary: mediasoup version, platform, OS release, kernel >= 6 (io_uring is
#      compiled in then) and the build recipe (these scripts, with their pinned sources);
#   3. mediasoup's prebuilt release download, where the network allows it;
#   4. a build from source against Debian's packages (scripts/system-deps.sh build), with
#      libsrtp2 (OpenSSL) and liburing built from Debian trixie's sources (build-deps.sh).
# Idempotent: the second run takes well under a second.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PKG="$ROOT/node_modules/mediasoup"
[ -f "$PKG/package.json" ] || { echo "ensure-worker: $PKG missing; run npm ci first" >&2; exit 1; }
VERSION=$(node -p "require('$PKG/package.json').version")
PLATFORM=$(node -p "process.platform + '-' + process.arch")
KERNEL=$(uname -r | cut -d. -f1)
TARGET="$PKG/worker/out/Release/mediasoup-worker"
HERE=$ROOT/scripts/worker
OS=$(. /etc/os-release 2>/dev/null; echo "${ID:-linux}${VERSION_ID:+-$VERSION_ID}")
KEY=$({ echo "$VERSION $PLATFORM $OS uring:$([ "$KERNEL" -ge 6 ] && echo y || echo n)"
  cat "$HERE/build-from-source.sh" "$HERE/build-deps.sh" "$HERE/make-shims.sh" "$HERE"/patches/*.patch; } | sha256sum | cut -c1-12)
CACHE_DIR="${LECTERN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/lectern}/mediasoup-worker"
CACHED="$CACHE_DIR/$VERSION-$PLATFORM-$KEY/mediasoup-worker"
STAMP="$TARGET.lectern-key" # which recipe made the installed binary

# A worker started without MEDIASOUP_VERSION exits with status 41: the check mediasoup
# itself uses to tell that a binary runs on this host.
runs() { [ -x "$1" ] || return 1; local rc=0; env -i "$1" >/dev/null 2>&1 || rc=$?; [ "$rc" = 41 ]; }
log() { echo "[ensure-worker] $*" >&2; }

# Installs binary $1 (and the note of what went into it, $1.info, when there is one).
install_target() {
  cp "$1" "$TARGET.tmp" && mv "$TARGET.tmp" "$TARGET" && echo "$KEY" > "$STAMP"
  if [ -f "$1.info" ]; then cp "$1.info" "$TARGET.info"; else rm -f "$TARGET.info"; fi
}

if runs "$TARGET" && [ "$(cat "$STAMP" 2>/dev/null)" = "$KEY" ]; then
  if [ ! -x "$CACHED" ]; then
    mkdir -p "$(dirname "$CACHED")"; cp "$TARGET" "$CACHED"; [ ! -f "$TARGET.info" ] || cp "$TARGET.info" "$CACHED.info"
  fi
  exit 0
fi
mkdir -p "$(dirname "$TARGET")"
if runs "$CACHED"; then
  install_target "$CACHED"; log "mediasoup-worker $VERSION from cache ($CACHED)"; exit 0
fi

if [ "${LECTERN_SKIP_PREBUILT:-0}" != 1 ]; then
  REPO=$(node -p "require('$PKG/package.json').repository.url.replace(/^git\\+/, '').replace(/\\.git\$/, '')")
  URL="$REPO/releases/download/$VERSION/mediasoup-worker-$VERSION-$PLATFORM-kernel$KERNEL.tgz"
  log "trying the prebuilt worker: $URL"
  TMP=$(mktemp -d)
  if curl -fsSL --connect-timeout 10 --max-time 120 "$URL" -o "$TMP/w.tgz" 2>/dev/null \
     && tar xzf "$TMP/w.tgz" -C "$TMP" && runs "$TMP/mediasoup-worker"; then
    echo "prebuilt $URL" > "$TMP/mediasoup-worker.info"
    install_target "$TMP/mediasoup-worker"; rm -rf "$TMP"
    mkdir -p "$(dirname "$CACHED")"; cp "$TARGET" "$CACHED"; cp "$TARGET.info" "$CACHED.info"
    log "prebuilt mediasoup-worker $VERSION installed"; exit 0
  fi
  rm -rf "$TMP"
  log "no prebuilt worker reachable; building it from source with Debian's libraries (about 5 minutes on 2 cores)"
fi

"$ROOT/scripts/system-deps.sh" build runtime
START=$(date +%s)
"$HERE/build-from-source.sh" "$PKG" "$CACHED"
runs "$CACHED" || { log "the built worker does not run on this host"; exit 1; }
install_target "$CACHED"
log "mediasoup-worker $VERSION built in $(( $(date +%s) - START ))s, cached at $CACHED"
