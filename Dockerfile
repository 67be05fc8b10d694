# syntax=docker/dockerfile:1
#
# The LifeOps example server, with the migrate tool beside it, as a small
# image. The build stage compiles static binaries with .ci/build-static, the
# script .ci/run uses to build the same packages in CI; the runtime stage
# is Debian slim (for pg_dump and pg_restore of the Postgres version the
# compose file runs, and wget for the health check), running as a non-root
# user with its data in a volume.
#
#   docker build -t lifeops .
#   docker run -p 8080:8080 -v lifeops-data:/data lifeops          # embedded SQLite in /data
#   docker run --rm -v lifeops-data:/data -v lifeops-backups:/backups lifeops migrate backup -to /backups

ARG GO_VERSION=1.26

FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    .ci/build-static /out ./examples/server ./examples/migrate

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates postgresql-client wget \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 lifeops \
 && useradd --system --uid 10001 --gid lifeops --home-dir /data --shell /usr/sbin/nologin lifeops \
 && mkdir -p /data /backups \
 && chown lifeops:lifeops /data /backups
COPY --from=build /out/server /out/migrate /usr/local/bin/
USER lifeops:lifeops
WORKDIR /data
VOLUME ["/data"]
ENV LIFEOPS_DATABASE_URL=/data/lifeops.db \
    LIFEOPS_ADDR=:8080
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD wget -q -O /dev/null http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT []
CMD ["server"]
