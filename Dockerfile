# The API server, for PostgreSQL deployments (the embedded SQLite mode is for one
# process on one machine). Not built in CI: this machine kind has no Docker engine.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 APP_ENV=production HOST=0.0.0.0 PORT=8000
WORKDIR /srv

COPY requirements.lock pyproject.toml ./
# The server's pinned dependencies only (requirements-dev.lock is for tests and tools).
RUN pip install --no-cache-dir -r requirements.lock
COPY app ./app
COPY migrations ./migrations
COPY schema.graphql README.md ./
RUN pip install --no-cache-dir --no-deps . && useradd --system hooks
USER hooks

EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s CMD python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/readyz', timeout=2)"
# Migrations run at start under an advisory lock, so replicas may start together.
CMD ["python", "-m", "app", "serve"]
