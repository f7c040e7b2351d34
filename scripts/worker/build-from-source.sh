#!/bin/sh
# Build mediasoup-worker from the sources shipped in node_modules/mediasoup, linking
# Debian's system libraries instead of meson wrap downloads (see make-shims.sh).
# Usage: build-from-source.sh <mediasoup package dir> <output binary path>
set -eu
PKG=$(cd "${1:?usage: build-from-source.sh <mediasoup dir> <out>}" && pwd)
OUT=${2:?usage: build-from-source.sh <mediasoup dir> <out>}
HERE=$(cd "$(dirname "$0")" && pwd)
W="$PKG/worker"

"$HERE/make-shims.sh" "$W"

# Debian's libssl3 is built with kernel-TLS support. mediasoup's BIO callback in
# DtlsTransport.cpp answers 1 for every post-operation call but a bare BIO_CB_RETURN,
# so BIO_get_ktls_send() on its memory BIO says "kernel TLS active"; OpenSSL then
# never allocates the DTLS write buffer and the worker segfaults on the first
# handshake. Checking the BIO_CB_RETURN bit instead of equality fixes it.
F="$W/src/RTC/DtlsTransport.cpp"
sed -i 's/(operationType == BIO_CB_RETURN) ? static_cast<long>(ret) : 1;/(operationType \& BIO_CB_RETURN) ? static_cast<long>(ret) : 1;/' "$F"
grep -q '(operationType & BIO_CB_RETURN) ? static_cast<long>(ret) : 1;' "$F" \
  || { echo "build-from-source: the DtlsTransport BIO callback fix did not apply to this mediasoup version" >&2; exit 1; }

BUILD=$(mktemp -d "${TMPDIR:-/tmp}/mediasoup-build.XXXXXX")
trap 'rm -rf "$BUILD"' EXIT
cd "$W"
# Same options as worker/tasks.py's Release build, plus: no wrap downloads, and no
# liburing (Debian's 2.3 lacks functions mediasoup uses).
meson setup --wrap-mode=nodownload --buildtype release -Db_ndebug=true \
  -Dms_disable_liburing=true "$BUILD"
# Generated FlatBuffers headers are not declared inputs of the C++ targets.
meson compile -C "$BUILD" flatbuffers-generator
meson compile -C "$BUILD" -j "$(nproc)" mediasoup-worker
mkdir -p "$(dirname "$OUT")"
cp "$BUILD/mediasoup-worker" "$OUT.tmp"
strip "$OUT.tmp" 2>/dev/null || true
mv "$OUT.tmp" "$OUT"
