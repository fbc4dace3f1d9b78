# syntax=docker/dockerfile:1
# One image recipe for every Wharf app:  docker build --build-arg APP=sqs -t wharf/sqs .
# and for all of them in one process:    docker build --target one -t wharf/one .  (the stage "one" below)
# APP is one of the folders in apps/ (edge, sqs, sns, kinesis, mq); the image runs apps/$APP/dist/main.js.
# Validated offline by tools/deploy-check.sh; built and run by the test command on podman
# (tools/containers/images.sh passes NODE_IMAGE=localhost/wharf-node:24, a Node 24 built here without a registry).

ARG NODE_IMAGE=node:24-bookworm-slim

# ---- manifests: only package.json files and the lock, so the npm ci layer below is reused until they change
FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
# .dockerignore keeps node_modules, dist, broker jars, .git and scratch folders out of the context.
COPY . .
RUN find . -type f ! -name package.json ! -name package-lock.json -delete && find . -type d -empty -delete

# ---- build: every workspace package installed (dev deps too), whole TypeScript build, then dev deps pruned
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV CI=true \
    NPM_CONFIG_AUDIT=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_UPDATE_NOTIFIER=false
COPY --from=manifests /app ./
RUN npm ci --loglevel=error
COPY . .
RUN npm run build \
 && npm prune --omit=dev --loglevel=error \
 && npm cache clean --force

# ---- served: what every image that serves shares (wharf/one and each wharf/<app>, so their layers are shared
# too): production node_modules and the compiled libs, the healthcheck, a non-root user
FROM ${NODE_IMAGE} AS served
ENV NODE_ENV=production \
    WHARF_HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/libs ./libs
COPY deploy/healthcheck.mjs /usr/local/lib/wharf/healthcheck.mjs
# the "node" user (uid 1000) ships with the official Node images; the app files stay root-owned, read-only
USER node
EXPOSE 4566 9324 9911 4567 8180
# healthy when every app the container runs (APP, or WHARF_APPS with APP=one) answers /health on its port
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "/usr/local/lib/wharf/healthcheck.mjs"]
STOPSIGNAL SIGTERM

# ---- one: every app in ONE Node process (tools/one-process.cjs), for a single container:
#   docker build --target one -t wharf/one .     (compose: `docker compose --profile one up -d wharf`)
# The edge answers the services' API calls in process (no loopback hop); WHARF_APPS=sqs,sns,edge runs some.
FROM served AS one
ENV APP=one
COPY --from=build /app/apps ./apps
COPY tools/one-process.cjs ./tools/one-process.cjs
CMD ["node", "tools/one-process.cjs"]

# ---- runtime: the one app on what "served" holds (the default build: docker build --build-arg APP=sqs .)
FROM served AS runtime
ARG APP
RUN test -n "${APP}" || { echo "build with --build-arg APP=<edge|sqs|sns|kinesis|mq>" >&2; exit 1; }
ENV APP=${APP}
COPY --from=build /app/apps/${APP} ./apps/${APP}
RUN test -f "apps/${APP}/dist/main.js" || { echo "apps/${APP}/dist/main.js was not built" >&2; exit 1; }
# shell form so ${APP} expands at run time; exec replaces the shell, so node is PID 1 and gets SIGTERM itself
CMD exec node "apps/${APP}/dist/main.js"
