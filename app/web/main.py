"""The app as uvicorn's factory, for `--workers N` (each worker builds its own)."""

from starlette.applications import Starlette

from app.core.logs import configure_logging
from app.core.settings import Settings
from app.web.app import create_app


def app_from_environment() -> Starlette:
    settings = Settings()
    # A worker is a fresh process, and uvicorn runs without its own logging config.
    configure_logging(json_lines=settings.json_logs)
    return create_app(settings)
