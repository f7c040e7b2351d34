#!/usr/bin/env bash
# `npm start`: set up (idempotent) and run Lectern in the role LECTERN_ROLE (default all:
# API, gateway, scheduler and an in-process SFU, on embedded PGlite under ./data).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
"$ROOT/scripts/setup.sh"
cd "$ROOT"
exec node --enable-source-maps server/dist/main.js
