#!/usr/bin/env bash
# Builds the two libraries on the worker's packet path that Debian bookworm ships too old or
# slow, from Debian trixie's source packages, as static libraries into PREFIX:
#   libsrtp2 2.7.0  against OpenSSL (Debian's own libsrtp2 is built against NSS, whose AES is
#                   several times slower per packet than OpenSSL's AES-NI code);
#   liburing 2.9    mediasoup's io_uring send path needs >= 2.5 (bookworm has 2.3).
# A library the system already provides well enough (libsrtp2 >= 2.5 not linked to NSS,
# liburing >= 2.5) is not built. Sources come through apt (a private deb-src list for trixie
# on this machine's own Debian mirror, nothing added to /etc/apt) and are checked against
# the checksums pinned here.
# Usage: build-deps.sh PREFIX      prints "libsrtp2=<system|version> liburing=<system|version>"
#        build-deps.sh --plan      prints what it would build, builds nothing
set -euo pipefail

SRTP_ORIG=libsrtp2_2.7.0.orig.tar.gz
SRTP_SHA256=54facb1727a557c2a76b91194dcb2d0a453aaf8e2d0cbbf1e3c2848c323e28ad
URING_ORIG=liburing_2.9.orig.tar.gz
URING_SHA256=57e9b36e4ac1e46b8e0351dfb1694dc59638fc25e384b4ba36d87b800b16db1a
MIN_URING=2.5

log() { echo "[build-deps] $*" >&2; }
ge() { dpkg --compare-versions "$1" ge "$2"; }

# "system" when the system's libsrtp2 is recent and not NSS-backed, else "build".
srtp_plan() {
  local v so
  v=$(pkg-config --modversion libsrtp2 2>/dev/null) || { echo build; return; }
  so=$(pkg-config --variable=libdir libsrtp2)/libsrtp2.so
  if ge "$v" 2.5 && ! ldd "$(readlink -f "$so")" 2>/dev/null | grep -q libnss3; then echo system; else echo build; fi
}
uring_plan() {
  local v
  v=$(pkg-config --modversion liburing 2>/dev/null) && ge "$v" "$MIN_URING" && { echo system; return; }
  echo build
}

if [ "${1:-}" = --plan ]; then echo "libsrtp2=$(srtp_plan) liburing=$(uring_plan)"; exit 0; fi
PREFIX=${1:?usage: build-deps.sh PREFIX | --plan}
mkdir -p "$PREFIX"
PREFIX=$(cd "$PREFIX" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lectern-deps.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# The mirror this machine's apt already uses for Debian (deb.debian.org when none is found).
mirror() {
  local m
  m=$(grep -hs -A3 '^Types:.*deb' /etc/apt/sources.list.d/*.sources | sed -n 's/^URIs: *\(\S*\/debian\)\/\?$/\1/p' | head -1)
  [ -n "$m" ] || m=$(grep -hs '^deb .*/debian ' /etc/apt/sources.list | awk '{print $2}' | head -1)
  echo "${m:-http://deb.debian.org/debian}"
}

# fetch ORIG_FILE SHA256 SOURCE_PACKAGE: downloads the upstream tarball of a trixie source
# package into $WORK and checks it.
APT_READY=0
fetch() {
  local file=$1 sum=$2 pkg=$3 url
  local a="$WORK/apt"
  local opts=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$a/parts" -o "Dir::State::Lists=$a/lists"
    -o "Dir::Cache=$a/cache" -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root")
  if [ "$APT_READY" = 0 ]; then
    mkdir -p "$a/parts" "$a/lists/partial" "$a/cache/archives/partial"
    printf 'Types: deb-src\nURIs: %s\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$(mirror)" > "$a/parts/trixie-src.sources"
    log "reading Debian trixie's source index from $(mirror)"
    apt-get "${opts[@]}" -qq update >&2
    APT_READY=1
  fi
  url=$(apt-get "${opts[@]}" --print-uris source "$pkg" 2>/dev/null | awk -v f="$file" '$2 == f { gsub("\047", "", $1); print $1 }')
  [ -n "$url" ] || { log "trixie's source package $pkg has no $file"; exit 1; }
  log "fetching $url"
  curl -fsSL --retry 3 --connect-timeout 20 "$url" -o "$WORK/$file"
  echo "$sum  $WORK/$file" | sha256sum -c --quiet - || { log "$file does not match its pinned checksum"; exit 1; }
}

JOBS=$(nproc)
srtp=$(srtp_plan)
uring=$(uring_plan)

if [ "$srtp" = build ]; then
  fetch "$SRTP_ORIG" "$SRTP_SHA256" libsrtp2
  tar xzf "$WORK/$SRTP_ORIG" -C "$WORK"
  (cd "$WORK"/libsrtp-2.7.0 \
    && ./configure --prefix="$PREFIX" --enable-openssl --disable-pcap CFLAGS="-O3 -fPIC" >"$WORK/srtp.log" 2>&1 \
    && make -j"$JOBS" libsrtp2.a >>"$WORK/srtp.log" 2>&1 \
    && make install >>"$WORK/srtp.log" 2>&1) || { tail -30 "$WORK/srtp.log" >&2; exit 1; }
  srtp=2.7.0-openssl-static
fi
if [ "$uring" = build ]; then
  fetch "$URING_ORIG" "$URING_SHA256" liburing
  tar xzf "$WORK/$URING_ORIG" -C "$WORK"
  (cd "$WORK"/liburing-2.9 \
    && ./configure --prefix="$PREFIX" >"$WORK/uring.log" 2>&1 \
    && make -j"$JOBS" -C src liburing.a >>"$WORK/uring.log" 2>&1 \
    && make install ENABLE_SHARED=0 >>"$WORK/uring.log" 2>&1) || { tail -30 "$WORK/uring.log" >&2; exit 1; }
  rm -f "$PREFIX"/lib/liburing*.so* # static only: the worker must not need it at run time
  uring=2.9-static
fi
echo "libsrtp2=$srtp liburing=$uring"
