# syntax=docker/dockerfile:1
# Lectern: one image for every role (LECTERN_ROLE=all|api|sfu).
#   docker build -t lectern .
# Stage 1 builds the mediasoup worker (prebuilt download first, else from source with
# Debian's libraries), the TypeScript packages and the browser client. Stage 2 holds only
# production node_modules, the built output, the migrations and the runtime libraries.

ARG NODE_VERSION=20

# ---------------------------------------------------------------- build
FROM node:${NODE_VERSION}-bookworm AS build
ENV DEBIAN_FRONTEND=noninteractive
RUN printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      > /etc/apt/sources.list.d/bookworm-backports.sources \
 && apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends \
      build-essential python3 pkg-config ninja-build git curl ca-certificates \
      libssl-dev libuv1-dev libsrtp2-dev libusrsctp-dev libabsl-dev libflatbuffers-dev flatbuffers-compiler \
 && apt-get install -y -qq --no-install-recommends -t bookworm-backports meson \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json turbo.json tsconfig.json ./
COPY db/package.json db/
COPY sfu/package.json sfu/
COPY server/package.json server/
COPY client/package.json client/
# The install of scripts/setup.sh (deploy/validate.test.ts keeps them the same): `npm install`,
# not `npm ci`, which rejects a lock file that lacks other platforms' optional binaries (as
# registries that do not carry them leave it); the lock file is still what installs.
# mediasoup's postinstall would download or build its worker: ensure-worker.sh does that below.
RUN MEDIASOUP_WORKER_BIN=/dev/null npm install --no-audit --no-fund --loglevel=error
COPY scripts/ scripts/
RUN LECTERN_CACHE_DIR=/tmp/lectern-cache scripts/worker/ensure-worker.sh
COPY . .
RUN npx turbo run build --output-logs=errors-only \
 && test -f server/dist/main.js && test -f client/dist/index.html && test -f sfu/dist/index.js

# ---------------------------------------------------------------- production node_modules
FROM node:${NODE_VERSION}-bookworm AS prod-deps
WORKDIR /src
COPY package.json package-lock.json ./
COPY db/package.json db/
COPY sfu/package.json sfu/
COPY server/package.json server/
COPY client/package.json client/
RUN MEDIASOUP_WORKER_BIN=/dev/null npm install --omit=dev --no-audit --no-fund --loglevel=error
COPY --from=build /src/node_modules/mediasoup/worker/out/Release/mediasoup-worker node_modules/mediasoup/worker/out/Release/mediasoup-worker

# ---------------------------------------------------------------- runtime
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends libssl3 libuv1 libsrtp2-1 libusrsctp2 libabsl20220623 ffmpeg ca-certificates tini \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 lectern \
 && useradd --system --uid 10001 --gid lectern --home-dir /app --shell /usr/sbin/nologin lectern \
 && mkdir -p /data && chown lectern:lectern /data
WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    LECTERN_DATA_DIR=/data \
    LECTERN_RTC_LISTEN_IP=0.0.0.0 \
    LECTERN_RTC_PORT_BASE=40000
COPY --chown=root:root package.json ./
COPY --from=prod-deps /src/node_modules node_modules
COPY --from=build /src/db/package.json db/package.json
COPY --from=build /src/db/dist db/dist
COPY --from=build /src/db/migrations db/migrations
COPY --from=build /src/sfu/package.json sfu/package.json
COPY --from=build /src/sfu/dist sfu/dist
COPY --from=build /src/server/package.json server/package.json
COPY --from=build /src/server/dist server/dist
COPY --from=build /src/client/package.json client/package.json
COPY --from=build /src/client/dist client/dist
USER lectern
VOLUME ["/data"]
# HTTP (API, Socket.IO, health); RTC: one WebRtcServer port per worker from
# LECTERN_RTC_PORT_BASE (UDP and TCP), plus the range for plain transports.
EXPOSE 3000 40000-40031/udp 40000-40031/tcp
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--enable-source-maps", "server/dist/main.js"]
