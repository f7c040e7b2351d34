#!/usr/bin/env bash
# Runs a command inside a private network namespace whose only interfaces are loopback
# and a veth pair (10.254.254.1/24 <-> its peer) that exists only in this namespace.
# Chromium gathers no ICE candidates on loopback alone, so the veth address gives it a
# host candidate; media still goes to the SFU on 127.0.0.1 and never leaves the namespace.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: netns-run.sh <command> [args...]" >&2; exit 2; }
if [ "${LECTERN_NETNS_INSIDE:-0}" = 1 ]; then
  ip link set lo up
  ip link add lectern0 type veth peer name lectern1
  ip addr add 10.254.254.1/24 dev lectern0
  ip link set lectern0 up
  ip link set lectern1 up
  ip route add default dev lectern0
  exec "$@"
fi
if [ "$(id -u)" = 0 ]; then NS=(unshare -n); else NS=(unshare -rn); fi
LECTERN_NETNS_INSIDE=1 exec "${NS[@]}" "$0" "$@"
