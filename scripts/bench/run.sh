#!/usr/bin/env bash
# `npm run bench`: every benchmark, printing numbers. `npm run bench -- NAME [ARGS...]`
# runs one of them (a file beside this script: join-latency, bookings, chat, signaling, large-room, ...).
set -euo pipefail
DIR=$(cd "$(dirname "$0")" && pwd)
if [[ $# -gt 0 && ! "$1" =~ ^[0-9]+$ ]]; then
  name=$1
  shift
  if [[ ! -x "$DIR/$name" || "$name" == run.sh || "$name" == */* ]]; then
    echo "no benchmark named '$name' (try: $(cd "$DIR" && find . -maxdepth 1 -type f -perm -u+x ! -name run.sh -printf '%f ' | sort))" >&2
    exit 64
  fi
  exec "$DIR/$name" "$@"
fi
"$DIR/join-latency" "${1:-12}"
"$DIR/bookings"
"$DIR/chat"
"$DIR/signaling"
"$DIR/sfu"
"$DIR/large-room"
"$DIR/failover" 3
"$DIR/fuzz"
"$DIR/memory"
