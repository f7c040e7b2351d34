#!/usr/bin/env bash
# `npm run bench`: every benchmark, printing numbers.
set -euo pipefail
DIR=$(cd "$(dirname "$0")" && pwd)
"$DIR/join-latency" "${1:-12}"
"$DIR/bookings"
"$DIR/chat"
"$DIR/fuzz"
