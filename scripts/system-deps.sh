#!/usr/bin/env bash
# Installs the Debian packages Lectern needs on this machine kind (Debian 12 "bookworm").
#   scripts/system-deps.sh build    packages to build the mediasoup worker from source
#   scripts/system-deps.sh runtime  runtime libraries of a self-built worker + ffmpeg
#   scripts/system-deps.sh test     chromium, ffmpeg, redis-server (private servers the Redis suites start and stop), nftables (the network suite blocks UDP) and python checkers
#   scripts/system-deps.sh bench    janus, the peer SFU the sfu bench compares the worker with
#   scripts/system-deps.sh lab      nftables and iproute2 (tc), for the network lab (npm run bench -- netlab)
# Several groups may be given. Idempotent: already-installed packages are skipped.
# When not root, prints the exact apt command and exits 1.
set -euo pipefail

BUILD_PKGS=(build-essential python3 pkg-config ninja-build git libssl-dev libuv1-dev libsrtp2-dev
  libusrsctp-dev libabsl-dev libflatbuffers-dev flatbuffers-compiler)
RUNTIME_PKGS=(libssl3 libuv1 libsrtp2-1 libusrsctp2 libabsl20220623 ffmpeg)
TEST_PKGS=(chromium fonts-dejavu-core ffmpeg redis-server nftables python3-dateutil python3-icalendar)
BENCH_PKGS=(janus)
LAB_PKGS=(nftables iproute2)

want=()
need_meson=0
for group in "$@"; do
  case "$group" in
    build) want+=("${BUILD_PKGS[@]}"); need_meson=1 ;;
    runtime) want+=("${RUNTIME_PKGS[@]}") ;;
    test) want+=("${TEST_PKGS[@]}") ;;
    bench) want+=("${BENCH_PKGS[@]}") ;;
    lab) want+=("${LAB_PKGS[@]}") ;;
    *) echo "system-deps: unknown group '$group' (build, runtime, test, bench, lab)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
meson_ok() { command -v meson >/dev/null && dpkg --compare-versions "$(meson --version)" ge 1.1; }
if [ "$need_meson" = 1 ] && ! meson_ok; then need_backports=1; else need_backports=0; fi

if [ ${#missing[@]} -eq 0 ] && [ "$need_backports" = 0 ]; then exit 0; fi

if [ "$(id -u)" != 0 ]; then
  echo "Lectern needs Debian packages that are not installed. Run as root:" >&2
  [ ${#missing[@]} -gt 0 ] && echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
  [ "$need_backports" = 1 ] && echo "  (enable bookworm-backports) apt-get install -y -t bookworm-backports meson" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if [ "$need_backports" = 1 ] && [ ! -f /etc/apt/sources.list.d/bookworm-backports.sources ]; then
  cat > /etc/apt/sources.list.d/bookworm-backports.sources <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
apt-get update -qq
[ ${#missing[@]} -gt 0 ] && apt-get install -y -qq --no-install-recommends "${missing[@]}"
[ "$need_backports" = 1 ] && apt-get install -y -qq --no-install-recommends -t bookworm-backports meson
exit 0
