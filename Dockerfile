# syntax=docker/dockerfile:1.7
# Deliberate exceptions to the policy scan (`make lint` runs checkov and hadolint over this file):
# checkov:skip=CKV_DOCKER_2:One image runs the API, the worker (another port) and one-shot jobs (no port), so no single HEALTHCHECK fits; compose healthchecks and Kubernetes probes check each process
# checkov:skip=CKV_DOCKER_7:The base images come from build args whose defaults pin versions (python:3.11-slim-bookworm, uv:0.13); checkov cannot see through the args
#
# Image of one Batchivo Python package (every service and the gateway share this file; the four build
# args below say which). Build from the REPOSITORY ROOT (a package needs the workspace lock and
# batchivo-common):
#
#   docker build -f Dockerfile -t batchivo/auth \
#     --build-arg PACKAGE=batchivo-auth --build-arg SERVICE_DIR=services/auth \
#     --build-arg APP_FACTORY=batchivo_auth.main:create_app --build-arg PORT=8001 .
#
# Targets:
#   runtime (default)  non-root uid 10001, read-only-root-FS friendly (writes nothing outside
#                      /tmp), no uv, package installed non-editable into /app/.venv
#   dev                editable install + dev group + uv, /app owned by uid 10001, uvicorn --reload:
#                      compose `develop.watch` and Tilt `live_update` sync sources into it and may
#                      re-run `uv sync`
#
# One image runs the API, the worker and the one-shot jobs (alembic, topology, db-bootstrap);
# compose and the Helm chart always pass the command.

# ---- per package (required build args) ----------------------------------------------------------
ARG PACKAGE
ARG SERVICE_DIR
ARG APP_FACTORY
ARG PORT
# -----------------------------------------------------------------------------------------------
ARG PYTHON_IMAGE=python:3.11-slim-bookworm
ARG UV_IMAGE=ghcr.io/astral-sh/uv:0.13

FROM ${UV_IMAGE} AS uv

FROM ${PYTHON_IMAGE} AS base
ARG APP_FACTORY
ARG PORT
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONFAULTHANDLER=1 \
    HOME=/tmp \
    PATH=/app/.venv/bin:$PATH \
    APP_FACTORY=${APP_FACTORY} \
    APP_PORT=${PORT}
RUN groupadd --system --gid 10001 batchivo \
 && useradd --system --uid 10001 --gid 10001 --home-dir /nonexistent --no-create-home \
            --shell /usr/sbin/nologin batchivo
WORKDIR /app
EXPOSE ${PORT}

# Only the dependency manifests (every pyproject.toml and uv.lock in the build context). BuildKit
# checksums `COPY --from=manifests` by content, so a source-only change re-runs this cheap stage
# but keeps the dependency layers below cached. No member list to maintain here.
FROM base AS manifests
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
COPY . /src
WORKDIR /src
RUN mkdir /manifests \
 && find . -path ./.venv -prune -o \( -name pyproject.toml -o -name uv.lock \) -print0 \
      | xargs -0 -r cp --parents -t /manifests

FROM base AS uv-base
COPY --from=uv /uv /usr/local/bin/uv
ENV UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_PROJECT_ENVIRONMENT=/app/.venv

# ---- dev: editable, with the dev group, writable by the app user -------------------------------
FROM uv-base AS dev
ARG PACKAGE
ARG SERVICE_DIR
ENV UV_CACHE_DIR=/tmp/uv-cache \
    UV_FROZEN=1 \
    SERVICE_DIR=${SERVICE_DIR}
RUN chown 10001:10001 /app
USER 10001:10001
COPY --from=manifests --chown=10001:10001 /manifests/ /app/
RUN --mount=type=cache,target=/tmp/uv-cache,uid=10001,gid=10001 \
    uv sync --frozen --no-install-workspace --package "${PACKAGE}"
COPY --chown=10001:10001 . /app
RUN --mount=type=cache,target=/tmp/uv-cache,uid=10001,gid=10001 \
    uv sync --frozen --package "${PACKAGE}"
# A shell runs the command so the build args (APP_FACTORY, APP_PORT) expand at start; exec hands PID 1 to uvicorn.
CMD ["/bin/sh", "-c", "exec uvicorn --factory \"$APP_FACTORY\" --host 0.0.0.0 --port \"$APP_PORT\" --reload --reload-dir \"/app/$SERVICE_DIR/src\" --reload-dir /app/libs/batchivo-common/src"]

# ---- builder: non-editable install of the package and its dependencies only --------------------
FROM uv-base AS builder
ARG PACKAGE
ENV UV_COMPILE_BYTECODE=1
COPY --from=manifests /manifests/ /app/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-workspace --package "${PACKAGE}"
COPY . /app
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-editable --package "${PACKAGE}"

# ---- runtime (default target) -----------------------------------------------------------------
FROM base AS runtime
ARG SERVICE_DIR
COPY --from=builder /app/.venv /app/.venv
# alembic.ini and migrations/ live in the service directory; the installed package is in the venv.
COPY --from=builder /app/${SERVICE_DIR} /app/${SERVICE_DIR}
USER 10001:10001
CMD ["/bin/sh", "-c", "exec uvicorn --factory \"$APP_FACTORY\" --host 0.0.0.0 --port \"$APP_PORT\" --no-access-log"]
