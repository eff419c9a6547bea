"""The one typed settings class. Build it once and pass it down; never read env elsewhere."""

from pathlib import Path
from typing import Literal

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Only ever used outside production, where a newcomer must not need to configure anything.
DEVELOPMENT_JWT_SECRET = "development-only-secret-do-not-use-in-production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    app_env: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite://data/hooks.sqlite3"
    jwt_secret: SecretStr | None = None
    jwt_algorithm: Literal["HS256", "HS384", "HS512", "RS256", "ES256"] = "HS256"
    # For RS256/ES256 (tokens from an identity provider): a PEM public key, or a JWKS
    # file whose keys are chosen by the token's `kid`.
    jwt_public_key_file: Path | None = None
    jwt_jwks_file: Path | None = None
    # Tenants that exist; a token for any other is refused. Empty: any tenant.
    known_tenants: list[str] = []
    # GraphiQL's header editor is prefilled with a token for this tenant (never in production).
    demo_tenant: str = "demo"
    # GraphiQL at GET /graphql for browsers; None: on, except in production.
    graphiql_enabled: bool | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    # Proxies (addresses or networks) whose X-Forwarded-For/-Proto are believed, so
    # per-IP rate limits see the real client behind a balancer; ["*"]: any; []: none.
    forwarded_allow_ips: list[str] = ["127.0.0.1"]
    # Run the migrations when the server starts (`python -m app serve` does, unless
    # told --no-migrate); replicas starting together serialise on an advisory lock.
    migrate_on_start: bool = False
    # On SIGTERM, how long in-flight requests may take before they are cancelled.
    shutdown_timeout_seconds: int = 10
    access_log: bool = True
    # One log line per GraphQL request: request id, tenant, operation, status, duration.
    request_log: bool = True
    # "json": one JSON object per line (the default in production); "text" for people.
    log_format: Literal["json", "text"] | None = None
    # uvicorn's WebSocket implementation; wsproto costs least per frame (bench/fanout.py).
    ws_implementation: Literal["websockets", "websockets-sansio", "wsproto"] = "wsproto"
    # Browser origins allowed to call the HTTP API (CORS); empty: same origin only.
    cors_origins: list[str] = []
    # Browser origins allowed to open WebSockets (same-origin and no-origin always work).
    allowed_origins: list[str] = []
    ws_init_timeout_seconds: float = 5.0
    max_subscriptions_per_connection: int = 20
    # Frames a socket may have waiting to be sent; past it the socket is closed with
    # 4429 (reconnect and resume from the last revision) and nothing more is sent.
    ws_outbox_limit: int = 10_000
    # How long a close the server decided (4429, 4403, shutdown) may take to reach a
    # client that does not read; then the connection is dropped without one.
    ws_close_timeout_seconds: float = 5.0
    # Changes buffered per subscriber before it is told to resync.
    subscriber_buffer: int = 1000
    # Change-log entries kept per queue for replay after a reconnect.
    change_retention: int = 10_000
    change_prune_interval_seconds: float = 60.0
    # See app/web/gc_tuning.py; 0 turns the freezing off.
    gc_freeze_interval_seconds: float = 1.0
    gc_collect_interval_seconds: float = 3600.0
    # Operation limits (app/graphql/limits.py): nesting depth, aliases, tokens, and
    # the number of fields an operation may return, counting page sizes.
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2000
    max_query_cost: int = 10_000
    # Requests per second (and burst) per bearer token, or per IP without one;
    # also applied to starting subscriptions. 0 turns limiting off.
    rate_limit_per_second: float = 50.0
    rate_limit_burst: int = 100
    # Requests larger than this are refused with 413 before they are parsed; the same
    # bound holds for each WebSocket message (closed with 1009 past it).
    max_body_bytes: int = 1_048_576
    # A bearer token longer than this is refused (401, or 4403 in connection_init)
    # before any signature work.
    max_token_bytes: int = 8_192
    # The request line and headers together (also of a WebSocket handshake); 431 past it.
    max_header_bytes: int = 32_768
    # How long a request body may take to arrive once its headers have; 408 past it,
    # and the connection is closed (a client trickling or withholding a body holds it).
    body_timeout_seconds: float = 10.0
    # An operation's document (UTF-8) may be at most this large, on every transport
    # (413 over HTTP, an error for the operation over WebSocket).
    max_query_bytes: int = 65_536
    # A WebSocket message id (echoed back in every reply) may be at most this long.
    max_operation_id_length: int = 128
    # An operation's variables, as JSON, may be at most this large (413 past it).
    max_variables_bytes: int = 65_536
    # Operations one POST may carry as a JSON array; 0: batches are refused (400).
    max_batch_size: int = 0
    # "Did you mean ...?" hints in validation errors; None: on, except in production
    # (with introspection off they would spell the schema out one guess at a time).
    field_suggestions_enabled: bool | None = None
    # Schema introspection (what GraphiQL's docs use); None: on, except in production.
    introspection_enabled: bool | None = None
    # OpenTelemetry: spans per request and operation, sent to an OTLP/HTTP collector.
    tracing_enabled: bool = False
    tracing_otlp_endpoint: str = "http://127.0.0.1:4318/v1/traces"
    tracing_service_name: str = "queue-hooks"
    # Whole responses of identical queueHooks reads, checked against the queue's revision.
    response_cache_size: int = 1024
    # Registry pages (`queueHooks` reads) answered by a plan compiled per document,
    # without GraphQL execution (app/web/page_plans.py); false: always the general path.
    page_plans_enabled: bool = True

    @model_validator(mode="after")
    def _secret_is_strong_and_production_explicit(self) -> "Settings":
        if self.jwt_secret is not None and not self.jwt_secret.get_secret_value():
            self.jwt_secret = None  # JWT_SECRET= (empty) means "not set"
        if self.uses_public_keys:
            if self.jwt_public_key_file is None and self.jwt_jwks_file is None:
                raise ValueError(
                    f"JWT_ALGORITHM={self.jwt_algorithm} needs JWT_PUBLIC_KEY_FILE or JWT_JWKS_FILE"
                )
        elif self.app_env == "production" and self.jwt_secret is None:
            raise ValueError("JWT_SECRET must be set when APP_ENV=production")
        if self.rate_limit_per_second > 0 and self.max_batch_size > self.rate_limit_burst:
            raise ValueError("MAX_BATCH_SIZE must not exceed RATE_LIMIT_BURST")
        if self.jwt_secret is not None and len(self.jwt_secret.get_secret_value()) < 32:
            # RFC 7518 section 3.2: an HS256 key must be at least 256 bits.
            raise ValueError("JWT_SECRET must be at least 32 characters")
        return self

    @property
    def uses_public_keys(self) -> bool:
        return self.jwt_algorithm in ("RS256", "ES256")

    @property
    def is_production(self) -> bool:
        return self.app_env == "production"

    @property
    def secret(self) -> str:
        if self.jwt_secret is not None:
            return self.jwt_secret.get_secret_value()
        return DEVELOPMENT_JWT_SECRET

    @property
    def json_logs(self) -> bool:
        return self.log_format == "json" or (self.log_format is None and self.is_production)

    @property
    def allows_introspection(self) -> bool:
        if self.introspection_enabled is None:
            return not self.is_production
        return self.introspection_enabled

    @property
    def shows_suggestions(self) -> bool:
        if self.field_suggestions_enabled is None:
            return not self.is_production
        return self.field_suggestions_enabled

    @property
    def prefill_graphiql_token(self) -> bool:
        # With public keys this server cannot sign tokens; GraphiQL users paste one.
        return not self.is_production and self.serves_graphiql and not self.uses_public_keys

    @property
    def serves_graphiql(self) -> bool:
        if self.graphiql_enabled is None:
            return not self.is_production
        return self.graphiql_enabled
