"""Entry point for the aerich CLI, which needs a module-level config."""

from app.core.database import tortoise_config
from app.core.settings import Settings

TORTOISE_ORM = tortoise_config(Settings().database_url)
