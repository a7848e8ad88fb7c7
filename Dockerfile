# syntax=docker/dockerfile:1
# zchat: one image for every component (reference, broker, proxy, server,
# client, bot); the subcommand is the container's command. See
# docs/production.md and docker-compose.yml.

# ---- build: cgo for libzmq (pebbe/zmq4) and SQLite (mattn/go-sqlite3) ----
FROM golang:1.26-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libzmq3-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=1 go build -trimpath -ldflags="-s -w" -o /out/zchat ./cmd/zchat

# ---- run: libzmq's runtime library only; sqlite3 for online backups ----
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libzmq5 sqlite3 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 zchat \
 && useradd --system --uid 10001 --gid zchat --home-dir /data --shell /usr/sbin/nologin zchat \
 && mkdir -p /data \
 && chown zchat:zchat /data
COPY --from=build /out/zchat /usr/local/bin/zchat
USER zchat
WORKDIR /data
VOLUME /data
# 5555-5559: broker frontend/backend, proxy XSUB/XPUB, reference;
# 7000: server peer endpoint; 9100: --metrics (/metrics, /healthz, pprof).
EXPOSE 5555 5556 5557 5558 5559 7000 9100
ENTRYPOINT ["zchat"]
CMD ["--help"]
