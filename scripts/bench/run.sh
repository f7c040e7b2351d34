#!/usr/bin/env bash
# `npm run bench`: every benchmark, printing numbers. `npm run bench -- NAME [args]` runs one
# (NAME: a script of this folder, e.g. memory); otherwise the first argument goes to join-latency.
set -euo pipefail
DIR=$(cd "$(dirname "$0")" && pwd)
if [ $# -gt 0 ] && [[ "$1" =~ ^[a-z-]+$ ]] && [ -x "$DIR/$1" ]; then
  name=$1
  shift
  exec "$DIR/$name" "$@"
fi
"$DIR/join-latency" "${1:-12}"
"$DIR/bookings"
"$DIR/chat"
"$DIR/memory"
