"""Settings, read from the environment only (see DEVELOPERS.md for the variable list)."""
from __future__ import annotations

from functools import lru_cache
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Values that mean "nobody set this": refused outside development.
PLACEHOLDERS = {"", "changeme", "change-me", "change_me", "changeit", "secret", "password",
                "placeholder", "todo", "xxx", "dev", "test"}
DEV_JWT_SECRET = "dev-only-jwt-secret-change-me"
DEV_MCP_TOKEN = "dev-only-mcp-token-change-me"
# Outside development: HS256 keys and the service token need at least 256 bits' worth of characters.
MIN_SECRET_LENGTH = 32


def is_placeholder(value: str | None) -> bool:
    v = (value or "").strip().lower()
    return v in PLACEHOLDERS or "change-me" in v or "changeme" in v or v.startswith("dev-only")


def normalize_database_url(url: str) -> str:
    """postgres://, postgresql:// and postgresql+psycopg:// all mean psycopg 3; the query is kept."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme in ("postgres", "postgresql", "postgresql+psycopg", "postgresql+psycopg3"):
        return urlunsplit(("postgresql+psycopg",) + tuple(parts[1:]))
    raise ValueError(
        f"DATABASE_URL has scheme '{parts.scheme}': use postgresql://user:pass@host:5432/db"
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore", case_sensitive=False)

    app_env: Literal["development", "production", "staging", "test"] = "development"
    database_url: str = "postgresql://taskora:taskora@127.0.0.1:5432/taskora"
    jwt_secret: str = DEV_JWT_SECRET
    jwt_expire_minutes: int = 60 * 24
    mcp_server_url: str = "http://127.0.0.1:8001/mcp"
    mcp_service_token: str = DEV_MCP_TOKEN
    agent_backend: Literal["offline", "openai"] = "offline"
    llm_base_url: str = "https://api.openai.com/v1"
    llm_model: str = "gpt-4o-mini"
    llm_api_key: str = ""
    llm_timeout_seconds: float = 60.0
    shutdown_drain_seconds: float = 5.0
    # Login throttling and the cap on concurrent password hashes (app/README.md, "Login limits").
    auth_account_max_failures: int = Field(10, ge=1)
    auth_address_max_failures: int = Field(100, ge=1)
    auth_failure_window_seconds: int = Field(60, ge=1)
    auth_hash_concurrency: int = Field(2, ge=1)
    auth_hash_queue: int = Field(64, ge=0)
    auth_hash_wait_seconds: float = Field(10.0, gt=0)
    log_level: str = "INFO"
    host: str = "0.0.0.0"
    port: int = 8000

    @field_validator("database_url")
    @classmethod
    def _db_url(cls, v: str) -> str:
        return normalize_database_url(v)

    @field_validator("app_env", "agent_backend", mode="before")
    @classmethod
    def _lower(cls, v: str) -> str:
        return v.strip().lower() if isinstance(v, str) else v

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url

    def problems(self) -> list[str]:
        """What stops start-up outside development: missing or placeholder secrets."""
        if self.app_env == "development":
            return []
        out = []
        if is_placeholder(self.jwt_secret) or len(self.jwt_secret) < MIN_SECRET_LENGTH:
            out.append(f"JWT_SECRET is missing, a placeholder or shorter than {MIN_SECRET_LENGTH} characters")
        if is_placeholder(self.mcp_service_token) or len(self.mcp_service_token) < MIN_SECRET_LENGTH:
            out.append(f"MCP_SERVICE_TOKEN is missing, a placeholder or shorter than {MIN_SECRET_LENGTH} characters")
        password = urlsplit(self.database_url).password
        if is_placeholder(password):
            out.append("DATABASE_URL has no password or a placeholder one")
        if self.agent_backend == "openai" and self.llm_api_key and is_placeholder(self.llm_api_key):
            out.append("LLM_API_KEY is a placeholder (leave it empty only for key-less servers such as Ollama)")
        return out


class SettingsError(SystemExit):
    pass


def check_startup(settings: Settings) -> None:
    problems = settings.problems()
    if problems:
        raise SettingsError(
            f"taskora: refusing to start with APP_ENV={settings.app_env}: {'; '.join(problems)}; "
            "set real values in the environment (e.g. `openssl rand -hex 32`) or use APP_ENV=development"
        )


def settings_error_line(exc: Exception) -> str:
    """A settings error as one line: which variable, and what is wrong with it."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        parts = []
        for e in errors():
            var = "_".join(str(x) for x in e.get("loc", ())).upper() or "settings"
            parts.append(f"{var}: {str(e.get('msg', '')).removeprefix('Value error, ')}")
        return "; ".join(parts)
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


@lru_cache
def get_settings() -> Settings:
    return Settings()
