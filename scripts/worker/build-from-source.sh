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

# io_uring without zero copy. For datagrams of RTP size (<= 1,500 bytes) a zero-copy send costs
# more than it saves: the kernel pins pages and posts a second completion per packet, and on
# loopback it copies anyway (Linux's MSG_ZEROCOPY notes put the break-even near 10 KB). With the
# buffers unregistered the worker queues plain sendto()s, still one submission per fan-out.
F="$W/src/DepLibUring.cpp"
REG='err = io_uring_register_buffers(std::addressof(this->ring), this->iovecs, DepLibUring::QueueDepth);'
NOZC='this->zeroCopyEnabled = false; err = 0; /* lectern: no zero copy for RTP-sized sends */'
grep -qF "$NOZC" "$F" || sed -i "s|$REG|$NOZC|" "$F"
grep -qF "$NOZC" "$F" || { echo "build-from-source: the io_uring zero-copy patch did not apply to this mediasoup version" >&2; exit 1; }

# The send-side bandwidth estimator keeps every packet a transport sent in the last 60 s, keyed
# by its transport-wide sequence number, in a std::map: a red-black tree of some 6,000 nodes per
# consumer at 100 packets/s, walked on each send (about 13% of the worker's time at 200
# consumers). absl's B-tree map has the same interface and iterator use here (no iterator is
# kept across an insert or erase) and packs many entries per cache line.
F="$W/deps/libwebrtc/libwebrtc/modules/congestion_controller/rtp/send_time_history.h"
grep -q 'absl::btree_map<int64_t, PacketFeedback> history_;' "$F" \
  || sed -i -e 's|  std::map<int64_t, PacketFeedback> history_;|  absl::btree_map<int64_t, PacketFeedback> history_;|' \
            -e 's|#include <map>|#include <map>\n#include "absl/container/btree_map.h"\n#include "modules/rtp_rtcp/include/rtp_rtcp_defines.h"|' "$F"
grep -q 'absl::btree_map<int64_t, PacketFeedback> history_;' "$F" && grep -q 'absl/container/btree_map.h' "$F" \
  || { echo "build-from-source: the send-time-history patch did not apply to this mediasoup version" >&2; exit 1; }

# Source patches kept as unified diffs (paths relative to the worker dir), each applied once;
# one that neither applies nor is already in fails the build.
for P in "$HERE"/patches/*.patch; do
  if (cd "$W" && git apply --check -p1 "$P" 2>/dev/null); then
    (cd "$W" && git apply -p1 "$P")
  elif ! (cd "$W" && git apply --check --reverse -p1 "$P" 2>/dev/null); then
    echo "build-from-source: $(basename "$P") did not apply to this mediasoup version" >&2; exit 1
  fi
done

BUILD=$(mktemp -d "${TMPDIR:-/tmp}/mediasoup-build.XXXXXX")
trap 'rm -rf "$BUILD"' EXIT
# libsrtp2 with OpenSSL and liburing >= 2.5, static, where the system's will not do.
DEPS=$("$HERE/build-deps.sh" "$BUILD/deps")
export PKG_CONFIG_PATH="$BUILD/deps/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
cd "$W"
# Same options as worker/tasks.py's Release build (-O3), plus: no wrap downloads. io_uring
# is compiled in on Linux >= 6 (mediasoup's meson.build decides); a kernel or container that
# refuses io_uring at run time makes the worker fall back to one send per packet.
meson setup --wrap-mode=nodownload --buildtype release -Db_ndebug=true "$BUILD"
# Generated FlatBuffers headers are not declared inputs of the C++ targets.
meson compile -C "$BUILD" flatbuffers-generator
meson compile -C "$BUILD" -j "$(nproc)" mediasoup-worker
mkdir -p "$(dirname "$OUT")"
cp "$BUILD/mediasoup-worker" "$OUT.tmp"
# Debug info out, symbols kept: `perf report` on a live worker then names its functions.
strip --strip-debug "$OUT.tmp" 2>/dev/null || true
mv "$OUT.tmp" "$OUT"
# What went into it, for benchmarks and bug reports (ensure-worker.sh installs it beside the binary).
URING=no
grep -q 'MS_LIBURING_SUPPORTED' "$BUILD/compile_commands.json" 2>/dev/null && URING=yes
echo "built-from-source $DEPS io_uring=$URING" > "$OUT.info"
