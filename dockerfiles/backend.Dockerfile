# The Taskora backend (FastAPI) image. Build context: the backend's source (app/backend).
#
#   docker build -f dockerfiles/backend.Dockerfile -t taskora/backend:<tag> app/backend
#
# Base: the official Python image, pinned (see docs/DOCKER.md for why slim-bookworm); PYTHON_IMAGE
# swaps it, e.g. for the stand-in made by dockerfiles/stand-in/make-stand-ins. Builder and runtime
# must use the same image: the virtualenv links to its interpreter.
# No syntax directive on purpose: it would make BuildKit pull a Dockerfile frontend image.
ARG PYTHON_IMAGE=python:3.12.12-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PYTHONDONTWRITEBYTECODE=1
RUN python3 -m venv /opt/venv
# Dependencies first (their layer is reused while requirements.txt is unchanged); wheels only,
# so no compiler is needed and nothing is built from source. Behind a TLS-intercepting proxy,
# give its CA bundle as the build secret `ca-bundle` (docs/DOCKER.md); it never enters a layer.
COPY requirements.txt /tmp/requirements.txt
RUN --mount=type=cache,target=/root/.cache/pip \
    --mount=type=secret,id=ca-bundle \
    if [ -s /run/secrets/ca-bundle ]; then export PIP_CERT=/run/secrets/ca-bundle; fi; \
    /opt/venv/bin/pip install --only-binary=:all: -r /tmp/requirements.txt
COPY . /app
# Byte-code compiled now: the root filesystem is read-only at run time.
RUN /opt/venv/bin/python -m compileall -q /app

FROM ${PYTHON_IMAGE} AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    APP_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
# Migrations: `alembic upgrade head` in this directory (a one-shot container or a hook Job).
WORKDIR /app
# Numeric and not root; owns nothing in the image, so it cannot change the code it runs.
USER 10001:10001
EXPOSE 8000
# Liveness from what the image has (Python's urllib); readiness (/readyz) is for orchestrators.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status == 200 else 1)"]
STOPSIGNAL SIGTERM
CMD ["python", "-m", "app"]
# Last, so that a new revision only changes the image's metadata.
ARG VERSION=0.0.0-dev
ARG REVISION=unknown
ARG SOURCE=unknown
LABEL org.opencontainers.image.title="taskora-backend" \
      org.opencontainers.image.description="Taskora backend: tasks REST API, auth and the chat agent" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}"
