# The Taskora frontend (Next.js, output 'standalone') image. Build context: the frontend's
# source (app/frontend), with package-lock.json and `npm run build` leaving the whole server in
# .next/standalone (server.js plus .next/static and public, as Next.js's with-docker example).
#
#   docker build -f dockerfiles/frontend.Dockerfile -t taskora/frontend:<tag> app/frontend
#
# Base: the official Node.js image, pinned (see docs/DOCKER.md for why alpine); NODE_IMAGE swaps
# it, e.g. for the stand-in made by dockerfiles/stand-in/make-stand-ins. All stages use the same
# image, so native packages (Next.js's SWC) match the run-time C library.
# No syntax directive on purpose: it would make BuildKit pull a Dockerfile frontend image.
ARG NODE_IMAGE=node:22.23.3-alpine

FROM ${NODE_IMAGE} AS deps
WORKDIR /src
ENV NEXT_TELEMETRY_DISABLED=1 npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
# Dependencies first: this layer is reused while package-lock.json is unchanged. Behind a
# TLS-intercepting proxy, give its CA bundle as the build secret `ca-bundle` (docs/DOCKER.md).
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    --mount=type=secret,id=ca-bundle \
    if [ -s /run/secrets/ca-bundle ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca-bundle; fi; \
    npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
# BACKEND_URL is not baked in: the server reads it at run time.
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000 \
    HOSTNAME=0.0.0.0
# Only the standalone server; owned by root and read-only to the user that runs it.
COPY --from=build /src/.next/standalone /app
# Numeric and not root (the image needs no passwd entry for it).
USER 10001:10001
EXPOSE 3000
# Health from what the image has (Node's fetch); no curl or wget.
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/api/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# graceful.cjs (app/frontend/scripts) drains on SIGTERM: readiness fails, requests in flight
# finish, then the server exits (SHUTDOWN_DRAIN_SECONDS, app/frontend/README.md).
CMD ["node", "--require", "./graceful.cjs", "server.js"]
# Last, so that a new revision only changes the image's metadata.
ARG VERSION=0.0.0-dev
ARG REVISION=unknown
ARG SOURCE=unknown
LABEL org.opencontainers.image.title="taskora-frontend" \
      org.opencontainers.image.description="Taskora web UI and its /api backend-for-frontend" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}"
