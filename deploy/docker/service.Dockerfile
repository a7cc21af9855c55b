# One image recipe for every service: docker build -f deploy/docker/service.Dockerfile --build-arg SERVICE=intake .
# The install steps are the ones `make` runs: pip installs uv, uv installs the locked packages.
# IMAGE_REGISTRY: where the base image comes from (a mirror on an intranet or in mainland China);
# UV_INDEX_URL: the package index (a PyPI mirror). A release pins the base image by digest:
#   --build-arg PYTHON_IMAGE=<registry>/library/python:3.11-slim-bookworm@sha256:<digest of the mirror's copy>
ARG IMAGE_REGISTRY=docker.io
ARG PYTHON_IMAGE=${IMAGE_REGISTRY}/library/python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ARG SERVICE
ARG UV_INDEX_URL=https://pypi.org/simple
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never PIP_NO_CACHE_DIR=1 \
    UV_INDEX_URL=${UV_INDEX_URL} PIP_INDEX_URL=${UV_INDEX_URL}
RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /app
# Dependencies first (a layer that changes only with uv.lock), then the code.
COPY pyproject.toml uv.lock ./
COPY libs/common/pyproject.toml libs/common/pyproject.toml
COPY libs/contracts/pyproject.toml libs/contracts/pyproject.toml
COPY libs/devkit/pyproject.toml libs/devkit/pyproject.toml
COPY services/intake/pyproject.toml services/intake/pyproject.toml
COPY services/screening/pyproject.toml services/screening/pyproject.toml
COPY services/assistance/pyproject.toml services/assistance/pyproject.toml
COPY services/ledger/pyproject.toml services/ledger/pyproject.toml
COPY services/console/pyproject.toml services/console/pyproject.toml
RUN uv sync --frozen --no-dev --package "${SERVICE}" --no-install-workspace
COPY libs/common libs/common
COPY libs/contracts libs/contracts
COPY services/${SERVICE} services/${SERVICE}
RUN uv sync --frozen --no-dev --package "${SERVICE}"

FROM ${PYTHON_IMAGE}
ARG SERVICE
# The services that print (ADR 0026) carry what paper needs from Debian, as `make paper` installs it: Pango for
# WeasyPrint, HarfBuzz's font subsetter and the fonts every PDF embeds. Versions come with the pinned base image's
# Debian release.
# hadolint ignore=DL3008
RUN if [ "${SERVICE}" = ledger ] || [ "${SERVICE}" = assistance ]; then \
      apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fonts-dejavu-core fonts-wqy-microhei \
      && rm -rf /var/lib/apt/lists/*; \
    fi
RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --home-dir /app app
WORKDIR /app
COPY --from=build --chown=app:app /app /app
ENV PATH=/app/.venv/bin:$PATH SERVICE_MODULE=${SERVICE}.main:app ENVIRONMENT=production PYTHONUNBUFFERED=1
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
# Migrations: at start by default (an advisory lock keeps replicas from racing); a deployment runs the image
# first as the schema owner (python -m common.migrations <service>: a compose job, a pod's init container) and
# starts the service with RUN_MIGRATIONS=false, which waits for its schema at head.
CMD ["sh", "-c", "exec uvicorn \"$SERVICE_MODULE\" --host 0.0.0.0 --port 8000 --proxy-headers --no-access-log"]
