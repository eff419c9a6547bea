"""The app as uvicorn's factory, for `--workers N` (each worker builds its own)."""

from starlette.applications import Starlette

from app.core.settings import Settings
from app.web.app import create_app


def app_from_environment() -> Starlette:
    return create_app(Settings())
