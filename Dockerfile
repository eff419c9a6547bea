# The API server, for PostgreSQL deployments (the embedded SQLite mode is for one
# process on one machine). Not built in CI: this machine kind has no Docker engine.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 APP_ENV=production HOST=0.0.0.0 PORT=8000
WORKDIR /srv

COPY uv.lock pyproject.toml ./
# The server's dependencies exactly as uv.lock pins them (hashes checked), without the
# dev extra; the same lock `make install` uses. Into the system interpreter of the image.
ENV UV_PROJECT_ENVIRONMENT=/usr/local UV_PYTHON_DOWNLOADS=never
RUN pip install --no-cache-dir uv==0.13.9 \
    && uv sync --frozen --no-dev --no-install-project --no-cache
COPY app ./app
COPY migrations ./migrations
COPY schema.graphql README.md ./
RUN uv sync --frozen --no-dev --no-editable --no-cache && useradd --system hooks
USER hooks

EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s CMD python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/readyz', timeout=2)"
# Migrations run at start under an advisory lock, so replicas may start together.
CMD ["python", "-m", "app", "serve"]
