"""Command line: `python -m app serve|migrate|seed|token|schema`."""

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from app.core.database import close_database, connection_failure, open_database
from app.core.identity import ALL_PERMISSIONS, issue_token
from app.core.logs import configure_logging
from app.core.migrations import migrate, unmigrated_model_changes
from app.core.settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="migrate, then serve HTTP and GraphiQL")
    serve.add_argument("--no-migrate", action="store_true", help="skip migrations")
    commands.add_parser("migrate", help="bring the database to the newest migration")
    commands.add_parser("check-migrations", help="exit 1 if the models changed without a migration")
    seed = commands.add_parser("seed", help="create the demo tenant's data if it has none")
    seed.add_argument("--tenant", help="tenant to seed (default: DEMO_TENANT)")
    token = commands.add_parser("token", help="print a signed bearer token")
    token.add_argument("--tenant", required=True)
    token.add_argument("--user", required=True)
    token.add_argument(
        "--scope",
        nargs="+",
        action="extend",
        default=None,
        help="permissions, as `--scope a b` or `--scope a --scope b` "
        f"(default: all of {' '.join(ALL_PERMISSIONS)})",
    )
    token.add_argument("--ttl", type=int, default=3600, help="lifetime in seconds")
    token.add_argument(
        "--private-key-file",
        help="PEM private key to sign with (RS256/ES256); default: JWT_SECRET (HS*)",
    )
    token.add_argument("--kid", help="key id to put in the token's header (for JWKS)")
    commands.add_parser("schema", help="print the GraphQL schema (SDL)")
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # Tortoise announces every connection shutdown at INFO: noise in a command's output.
    logging.getLogger("tortoise").setLevel(logging.WARNING)
    if args.command == "schema":
        from app.graphql.schema import sdl  # only this command needs the API layer

        sys.stdout.write(sdl())
        return 0
    try:
        settings = Settings()
    except ValidationError as error:
        for problem in error.errors():
            print(f"configuration error: {problem['msg']}", file=sys.stderr)
        return 2
    if args.command == "token":
        if settings.uses_public_keys and not args.private_key_file:
            print("JWT_ALGORITHM needs --private-key-file to sign", file=sys.stderr)
            return 2
        key = Path(args.private_key_file).read_text() if args.private_key_file else settings.secret
        print(
            issue_token(
                key,
                tenant=args.tenant,
                user=args.user,
                permissions=tuple(args.scope or ALL_PERMISSIONS),
                ttl_seconds=args.ttl,
                algorithm=settings.jwt_algorithm,
                kid=args.kid,
            )
        )
        return 0
    if args.command == "check-migrations":
        pending = asyncio.run(unmigrated_model_changes())
        if pending:
            print("the models changed without a migration: run `aerich migrate --name <what>`")
            return 1
        print("the models match the migrations")
        return 0
    try:
        if args.command == "migrate":
            applied = asyncio.run(migrate(settings.database_url))
            print(f"database at head ({len(applied)} migrations applied)")
            return 0
        if args.command == "seed":
            created = asyncio.run(_seed(settings, args.tenant or settings.demo_tenant))
            print("demo data created" if created else "demo data already present")
            return 0
    except Exception as error:
        if (reason := connection_failure(error, settings.database_url)) is None:
            raise
        print(f"error: {reason}", file=sys.stderr)
        return 1
    return _serve(settings, migrate_first=not args.no_migrate)


async def _seed(settings: Settings, tenant: str) -> bool:
    from app.seed import seed_demo

    await open_database(settings.database_url)
    try:
        return await seed_demo(tenant)
    finally:
        await close_database()


def _serve(settings: Settings, *, migrate_first: bool) -> int:
    import uvicorn

    from app.web.app import create_app
    from app.web.demo import demo_token

    configure_logging(json_lines=settings.json_logs)
    # Migrations run in the app's startup, retried with the database connection.
    settings = settings.model_copy(update={"migrate_on_start": migrate_first})
    url = f"http://{settings.host}:{settings.port}"
    if settings.json_logs:  # one format in the log: the banner is a record too
        logging.getLogger("app").info(
            "serving", extra={"url": url, "graphiql": settings.serves_graphiql}
        )
    elif settings.serves_graphiql:
        print(f"\n  Hooks tab: {url}/\n  GraphiQL:  {url}/graphql")
    else:
        print(f"\n  Hooks tab: {url}/\n  GraphQL API: {url}/graphql")
    token = demo_token(settings) if settings.prefill_graphiql_token else None
    if token:
        print(f"  Bearer token for tenant '{settings.demo_tenant}' (12 h):\n  {token}\n")
    listening: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "access_log": settings.access_log,
        "ws": settings.ws_implementation,
        "proxy_headers": bool(settings.forwarded_allow_ips),
        "forwarded_allow_ips": settings.forwarded_allow_ips,
        # uvicorn's records go to the root handler configure_logging set: one format.
        "log_config": None,
        # The same limits on every transport: a WebSocket message as large as a body,
        # and the request head bounded with httptools as with h11.
        "ws_max_size": settings.max_body_bytes,
        "http": "app.web.transport:BoundedHttpToolsProtocol",
        "h11_max_incomplete_event_size": settings.max_header_bytes,
    }
    if settings.workers > 1:
        # Each worker process builds its app from the same environment.
        os.environ["MIGRATE_ON_START"] = "true" if migrate_first else "false"
        uvicorn.run(
            "app.web.main:app_from_environment",
            factory=True,
            workers=settings.workers,
            **listening,
        )
    else:
        from app.web.server import GracefulServer

        app = create_app(settings)
        config = uvicorn.Config(
            app, timeout_graceful_shutdown=settings.shutdown_timeout_seconds, **listening
        )
        GracefulServer(config, app.state.subscriptions).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
