# syntax=docker/dockerfile:1.7
# One image holding every Switchyard app; each is started by its own command, given by the Helm
# chart as arguments of the entrypoint (tini):  node dist/apps/<app>/main.js
#   ingress | auth | router | adapter | billing | standalone   (standalone also runs `apply -f FILE`)
# The build steps are the project's own scripts (tools/runtime-tree.mjs), which the chart's tests
# also run, so the tests start exactly the tree this image holds (docs/architecture.md, Deployment).
ARG NODE_VERSION=20.20.2

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
# Dependencies first, for the layer cache. `npm install` from the committed lockfile, as .ci/run
# does (the lockfile lists only the platform it was made on, which `npm ci` refuses); its
# postinstall applies patches/ and generates the Prisma client from prisma/schema.prisma.
COPY package.json package-lock.json prisma.config.ts ./
COPY patches ./patches
COPY prisma ./prisma
RUN npm install --no-audit --no-fund
COPY . .
# Bundles and migrations into /runtime, then node_modules pruned to the production dependencies
# (patched files stay patched) and copied beside them.
RUN node tools/runtime-tree.mjs --out /runtime \
 && npm prune --omit=dev --no-audit --no-fund \
 && node tools/runtime-tree.mjs --out /runtime --no-build --node-modules copy

# tini as PID 1: forwards SIGTERM to node (which drains and exits 0) and reaps zombies.
FROM debian:bookworm-slim AS init
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*

FROM node:${NODE_VERSION}-bookworm-slim
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="switchyard" \
      org.opencontainers.image.description="Relay gateway for large-language-model APIs" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.source="https://github.com/switchyard/switchyard" \
      org.opencontainers.image.licenses="UNLICENSED"
COPY --from=init /usr/bin/tini-static /usr/bin/tini
WORKDIR /app
# Owned by root and not writable by the app's user: the root filesystem can be mounted read-only.
COPY --from=build /runtime /app
ENV NODE_ENV=production
# Two malloc arenas instead of one per thread: less resident memory, same CPU; a fixed trim
# threshold, so blocks over 128 KiB stay mmap'd and go back to the system when freed instead of
# staying in the heap after a burst (docs/architecture.md §7, standalone launch flags).
ENV MALLOC_ARENA_MAX=2
ENV MALLOC_TRIM_THRESHOLD_=131072
# A numeric non-root user (no passwd entry needed), the one the chart's securityContext sets.
USER 10001:10001
EXPOSE 8080 50051 50052 50053 50055
ENTRYPOINT ["/usr/bin/tini", "--"]
# The standalone launch flags of tools/standalone-launch.json (a spec keeps the two in step).
CMD ["node", "--max-semi-space-size=8", "dist/apps/standalone/main.js"]
