"""graphdesk's configuration: one pydantic-settings class.

Values come from, highest first: keyword arguments (the CLI's ``--data-dir``),
environment variables (``GRAPHDESK_*``; Neo4j's own un-prefixed ``NEO4J_URI``,
``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``), then the optional
``.env``-style file named by ``GRAPHDESK_CONFIG`` (same variable names).

``env`` is ``production`` unless set to ``development`` (``make run`` and the
test suite do). Secrets are ``SecretStr`` so they never show in a repr or a
log line. With ``env=production`` a placeholder secret ("changeme", "password", an empty
string ...) is refused with an error naming the variable; in development it
is allowed, because local databases often use them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from limits import parse_many
from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from extractors.limits import MIB, Limits
from extractors.tickets import CustomFields
from graph.connect import GraphConfig
from resolvers.routing.config import POLICIES, RoutingConfig

CUSTOM_FIELDS = ("product", "version")


def _custom_fields(text: str) -> CustomFields:
    """Parse "product=360001234,version=360005678|360005679"."""
    out: CustomFields = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, eq, ids = part.partition("=")
        name = name.strip().lower()
        if not eq or name not in CUSTOM_FIELDS or not ids.strip():
            raise ValueError(
                f"GRAPHDESK_ZENDESK_FIELDS: {part!r} is not FIELD=ID[|ID...] with FIELD one of "
                f"{', '.join(CUSTOM_FIELDS)} (e.g. product=360001234,version=360005678)"
            )
        for raw in (i.strip() for i in ids.split("|") if i.strip()):
            out.setdefault(name, set()).add(int(raw) if raw.isdigit() else raw)
    return out


CONFIG_PREFIX = "GRAPHDESK_"
CONFIG_VAR = "GRAPHDESK_CONFIG"

PLACEHOLDER_SECRETS = frozenset(
    {"", "changeme", "change-me", "change_me", "changethis", "password", "secret", "neo4j",
     "admin", "test", "xxx", "todo", "none", "null", "your-api-key", "sk-xxx"}
)  # fmt: skip


class ConfigError(ValueError):
    """The configuration cannot be used (bad value, missing file, placeholder secret)."""


def default_data_dir() -> Path:
    """``$XDG_DATA_HOME/graphdesk``, else ``~/.local/share/graphdesk``."""
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "graphdesk"


def _is_placeholder(secret: SecretStr | None) -> bool:
    return secret is not None and secret.get_secret_value().strip().lower() in PLACEHOLDER_SECRETS


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=CONFIG_PREFIX,
        extra="ignore",
        validate_by_name=True,
        validate_by_alias=True,
        validate_default=True,
    )

    data_dir: Path = Field(default_factory=default_data_dir)
    graph: Literal["embedded", "neo4j"] = "embedded"
    appendfsync: Literal["everysec", "always"] = "everysec"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    # Production unless told otherwise: `make run` and the tests say development.
    env: Literal["development", "production"] = "production"
    # Signs the API's tokens (HMAC-SM3, api/tokens.py): at least 32 characters,
    # or a file holding them. Development without either uses (and creates,
    # 0600) secret.key in the data directory; production refuses to start.
    secret_key: SecretStr | None = None
    secret_key_file: Path | None = None
    # Seal personal data at storage (SM4-GCM), key its blind index and customer
    # ids (HMAC-SM3): a key file (JSON, versions, 0600; `graphdesk keys init`)
    # or the keys inline ("lookup:HEX,1:HEX,2:HEX"). Development without either
    # uses (and creates, 0600) data-keys.json in the data directory; production
    # refuses to start (api/data_keys.py).
    data_key_file: Path | None = None
    data_keys: SecretStr | None = None
    # Failed authentications per client address: this many within the window
    # (seconds) lock the address out for lockout seconds (429 + Retry-After).
    # At most 100: the graph keeps that many failure times per address at most.
    auth_max_failures: int = Field(default=10, ge=1, le=100)
    auth_failure_window: float = Field(default=300.0, gt=0)
    auth_lockout_seconds: float = Field(default=900.0, gt=0)
    # The count shared through the graph, so every worker and host of it locks an
    # address out together (one graph write per refused token); off: per process.
    auth_lockout_shared: bool = True
    # A token found not revoked, and an address found not locked out, are looked up
    # again after this many seconds; a revocation or lockout made by another process
    # takes effect within it (0: every request).
    revocation_check_seconds: float = Field(default=2.0, ge=0, le=60)
    # Requests per token and per client address (api/rate_limit.py), in the
    # `limits` package's notation; empty: no limit. 429 with Retry-After beyond.
    rate_limit_per_token: str = "20/second;600/minute"
    rate_limit_per_address: str = "50/second"
    # Audit records are kept at least this many days (about six months), then
    # pruned from the chain's start (resolvers/audit.py).
    audit_retention_days: int = Field(default=183, ge=1)
    # Routing (resolvers/routing/): the selection policy, and how long a ticket
    # waits for a busy agent with the skills before each widening step.
    routing_policy: Literal["learned", "static", "round-robin", "least-loaded"] = "learned"
    routing_wait_seconds: float = Field(default=120.0, ge=0, le=86_400)
    # A/B: two policies taking turns by time slice ("learned,static"); empty: off.
    routing_ab: str = ""
    routing_ab_slice_minutes: int = Field(default=60, ge=1, le=7 * 24 * 60)
    llm_api_key: SecretStr | None = None
    llm_base_url: str = "https://api.deepseek.com"
    llm_model: str = "deepseek-chat"
    max_question_chars: int = Field(default=2000, ge=1)
    # Conversations (resolvers/conversation/): a TOML file whose tables replace the
    # shipped rules (resolvers/conversation/data/rules.toml) key by key; a message's
    # text limit; attachments per message and bytes per attachment (a multipart
    # request may be this much larger than max_body_bytes).
    conversation_rules: Path | None = None
    max_message_chars: int = Field(default=4000, ge=1)
    max_attachments: int = Field(default=5, ge=0, le=20)
    max_upload_bytes: int = Field(default=5_000_000, gt=0)
    # TLS for `serve` (PEM files); production refuses a non-loopback address without it.
    tls_certfile: Path | None = None
    tls_keyfile: Path | None = None
    # Client addresses whose X-Forwarded-For / X-Forwarded-Proto are believed
    # (uvicorn's forwarded-allow-ips): a TLS or TLCP gateway in front. Comma-separated
    # addresses or networks; "*" trusts every peer (only behind a firewall that
    # lets nothing else reach graphdesk).
    forwarded_allow_ips: str = "127.0.0.1"
    # The SM envelope (api/envelope.py): which GraphQL operations must come
    # enveloped ("all", "none", "mutations", "personal-data" and root field names,
    # comma-separated); unset: "mutations,personal-data" in production, "none" in
    # development. The server's SM2 key pair: GRAPHDESK_ENVELOPE_KEY ("<private
    # hex>:<public hex>") or a file of the same (`graphdesk envelope keygen`);
    # development without either uses envelope.key in the data directory.
    envelope_required: str | None = None
    envelope_key: SecretStr | None = None
    envelope_key_file: Path | None = None
    # An envelope's timestamp may differ from the server's clock by this much;
    # its nonce is remembered for as long (in each process, this many at most).
    envelope_max_skew_seconds: int = Field(default=120, ge=1, le=3600)
    envelope_replay_cache_size: int = Field(default=100_000, ge=100)
    # Nonces also recorded in the graph, so a replay to another worker or host of
    # it is refused too (one write per sealed request); off: this process only.
    envelope_replay_shared: bool = True
    # Browser origins allowed to call the API (comma-separated; unset: none,
    # only same-origin pages and non-browser clients).
    cors_origins: str = ""
    # A larger request body is refused with 413 before it is read whole.
    max_body_bytes: int = Field(default=1_000_000, gt=0)
    # Answers to repeated questions are kept until the graph changes (0 turns it off).
    answer_cache_size: int = Field(default=1024, ge=0)
    # uvicorn worker processes for `graphdesk serve` (they share the embedded graph).
    workers: int = Field(default=1, ge=1, le=32)
    # How long start-up waits for a Neo4j server that is not up yet.
    store_wait_seconds: float = Field(default=30.0, ge=0)
    # Every store call ends within these (a stalled server is an error, and
    # /healthz says so): reads and short calls, and writes (an ingest batch).
    store_timeout: float = Field(default=30.0, gt=0)
    store_write_timeout: float = Field(default=600.0, gt=0)
    # How long a writer waits for another writer's lock on the data directory
    # (unset: as long as it takes; 0: refuse at once).
    lock_timeout: float | None = Field(default=None, ge=0)
    # Zendesk custom field ids (per account) that hold a ticket's product and
    # version: "product=360001234,version=360005678" ("|" between several ids).
    zendesk_fields: str = ""
    # What one input file may cost (extractors/limits.py): larger files are
    # refused, longer sheets and more scanned pages cut, each said by name.
    max_file_mb: int = Field(default=256, gt=0)
    max_unpacked_mb: int = Field(default=200, gt=0)
    max_rows: int = Field(default=200_000, gt=0)
    max_columns: int = Field(default=1_000, gt=0)
    max_cell_chars: int = Field(default=32_767, gt=0)
    max_ocr_pages: int = Field(default=50, gt=0)
    # Section embeddings (extractors/text/embedding.py): computed after ingest
    # and in the background of `serve`; answers use them as they land. Off:
    # answers by words alone, nothing is embedded.
    embeddings: bool = True

    neo4j_uri: str | None = Field(
        default=None, validation_alias=AliasChoices("NEO4J_URI", "neo4j_uri")
    )
    neo4j_user: str = Field(
        default="neo4j", validation_alias=AliasChoices("NEO4J_USER", "neo4j_user")
    )
    neo4j_password: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("NEO4J_PASSWORD", "neo4j_password")
    )
    neo4j_database: str = Field(
        default="neo4j", validation_alias=AliasChoices("NEO4J_DATABASE", "neo4j_database")
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The file is named at call time (not class-definition time), so
        # GRAPHDESK_CONFIG set by a test or a wrapper script is honoured.
        path = os.environ.get(CONFIG_VAR)
        if path:
            file = Path(path).expanduser()
            if not file.is_file():
                raise ConfigError(f"{CONFIG_VAR}={path}: no such file")
            dotenv_settings = DotEnvSettingsSource(settings_cls, env_file=file)
        return init_settings, env_settings, dotenv_settings, file_secret_settings

    @field_validator("rate_limit_per_token", "rate_limit_per_address")
    @classmethod
    def _check_rate_limits(cls, value: str) -> str:
        if value.strip():
            try:
                parse_many(value)
            except ValueError as exc:
                raise ValueError(
                    f"{value!r} is not a rate limit such as '20/second' ({exc})"
                ) from None
        return value

    @field_validator("routing_ab")
    @classmethod
    def _check_routing_ab(cls, value: str) -> str:
        if value.strip():
            pair = [p.strip() for p in value.split(",")]
            if len(pair) != 2 or pair[0] == pair[1] or not set(pair) <= set(POLICIES):
                raise ValueError(
                    f"{value!r} is not two different policies such as 'learned,static' "
                    f"(policies: {', '.join(POLICIES)})"
                )
        return value

    @model_validator(mode="after")
    def _check_conversation_rules(self) -> Settings:
        from resolvers.conversation.rules import RulesError, load_rules

        try:
            load_rules(self.conversation_rules)
        except RulesError as exc:
            raise ValueError(str(exc)) from None
        return self

    @model_validator(mode="after")
    def _check_zendesk_fields(self) -> Settings:
        _custom_fields(self.zendesk_fields)  # raises naming the bad part
        return self

    @model_validator(mode="after")
    def _refuse_placeholders(self) -> Settings:
        if self.env != "production":
            return self
        if self.graph == "neo4j" and (
            self.neo4j_password is None or _is_placeholder(self.neo4j_password)
        ):
            raise ValueError(
                "NEO4J_PASSWORD is empty or a placeholder; set a real password "
                "(placeholder secrets are refused when GRAPHDESK_ENV=production)"
            )
        if _is_placeholder(self.secret_key):
            raise ValueError(
                "GRAPHDESK_SECRET_KEY is empty or a placeholder; set a random secret of at "
                "least 32 characters (placeholder secrets are refused when "
                "GRAPHDESK_ENV=production)"
            )
        if _is_placeholder(self.llm_api_key):
            raise ValueError(
                "GRAPHDESK_LLM_API_KEY is empty or a placeholder; set a real key or unset it "
                "to answer without an LLM (placeholder secrets are refused when "
                "GRAPHDESK_ENV=production)"
            )
        return self

    @property
    def development(self) -> bool:
        return self.env == "development"

    def llm_key(self) -> str | None:
        return self.llm_api_key.get_secret_value() if self.llm_api_key else None

    def limits(self) -> Limits:
        return Limits(
            max_file_bytes=self.max_file_mb * MIB,
            max_unpacked_bytes=self.max_unpacked_mb * MIB,
            max_rows=self.max_rows,
            max_columns=self.max_columns,
            max_cell_chars=self.max_cell_chars,
            max_ocr_pages=self.max_ocr_pages,
        )

    def ticket_fields(self) -> CustomFields | None:
        """``zendesk_fields`` as a mapping (checked when the settings load)."""
        return _custom_fields(self.zendesk_fields) or None

    def routing_config(self) -> RoutingConfig:
        pair = [p.strip() for p in self.routing_ab.split(",")] if self.routing_ab.strip() else []
        return RoutingConfig(
            policy=self.routing_policy,
            wait_seconds=self.routing_wait_seconds,
            ab=(pair[0], pair[1]) if pair else None,
            ab_slice_minutes=self.routing_ab_slice_minutes,
        )

    def graph_config(self) -> GraphConfig:
        return GraphConfig(
            backend=self.graph,
            data_dir=self.data_dir.expanduser(),
            appendfsync=self.appendfsync,
            neo4j_uri=self.neo4j_uri,
            neo4j_user=self.neo4j_user,
            neo4j_password=(self.neo4j_password.get_secret_value() if self.neo4j_password else ""),
            neo4j_database=self.neo4j_database,
            timeout=self.store_timeout,
            write_timeout=self.store_write_timeout,
        )


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment (and file), with errors as one clear ConfigError.

    Pydantic's own message would echo the input values, secrets included, so
    only the location and the problem are kept.
    """
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_input=False, include_url=False):
            msg = str(err["msg"]).removeprefix("Value error, ")
            loc = [str(p) for p in err["loc"]]
            if loc:
                name = loc[0] if loc[0].isupper() else CONFIG_PREFIX + loc[0].upper()
                msg = f"{name}: {msg}"
            problems.append(msg)
        raise ConfigError("invalid configuration: " + "; ".join(problems)) from None
