#!/usr/bin/env bash
# Installs everything Lectern needs and builds it. Idempotent and fast when nothing
# changed: node modules are reinstalled only when package-lock.json changes, the
# mediasoup worker comes from a cache keyed by its version, turbo caches builds.
set -euo pipefail
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
log() { echo "[setup] $*" >&2; }

node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a===20&&b<19)) { console.error("Lectern needs Node.js >= 20.19 (found "+process.versions.node+")"); process.exit(1) }'

# Runtime libraries of a self-built worker, ffmpeg for recordings.
"$ROOT/scripts/system-deps.sh" runtime

STAMP="$ROOT/node_modules/.lectern-lock-hash"
HASH=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$HASH" ]; then
  log "installing node modules"
  # mediasoup's own postinstall would try to download or build its worker; the worker
  # is handled by ensure-worker.sh below, so it is skipped here.
  # `npm install` rather than `npm ci`: registries that do not carry every platform's
  # optional binaries (e.g. turbo's darwin/windows builds) leave them out of the lock
  # file, which `npm ci` rejects as out of sync. The lock file is still what installs.
  MEDIASOUP_WORKER_BIN=/dev/null npm install --no-audit --no-fund --loglevel=error
  echo "$HASH" > "$STAMP"
fi

"$ROOT/scripts/worker/ensure-worker.sh"

log "building"
npx turbo run build --output-logs=errors-only >&2
