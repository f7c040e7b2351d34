#!/usr/bin/env bash
# `npm run dev`: the server from source with reload (tsx watch) on :3000 and the Vite dev
# server with hot reload on :5173 (it proxies /api, /socket.io, /docs to the server).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
"$ROOT/scripts/setup.sh"
cd "$ROOT"
trap 'kill 0' EXIT INT TERM
(cd server && npx tsx watch --conditions=lectern-source src/main.ts) &
(cd client && npx vite --host 127.0.0.1) &
wait
