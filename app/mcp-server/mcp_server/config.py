"""Settings, read from the environment only."""
from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDERS = {"", "changeme", "change-me", "change_me", "changeit", "secret", "password",
                "placeholder", "todo", "xxx", "dev", "test"}
DEV_MCP_TOKEN = "dev-only-mcp-token-change-me"
MIN_SECRET_LENGTH = 32  # outside development (the chart generates 48 characters)


def is_placeholder(value: str | None) -> bool:
    v = (value or "").strip().lower()
    return v in PLACEHOLDERS or "change-me" in v or "changeme" in v or v.startswith("dev-only")


def normalize_database_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme.lower() in ("postgres", "postgresql", "postgresql+psycopg", "postgresql+psycopg3"):
        return urlunsplit(("postgresql+psycopg",) + tuple(parts[1:]))
    raise ValueError(f"DATABASE_URL has scheme '{parts.scheme}': use postgresql://user:pass@host:5432/db")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore", case_sensitive=False)

    app_env: Literal["development", "production", "staging", "test"] = "development"
    database_url: str = "postgresql://taskora:taskora@127.0.0.1:5432/taskora"
    mcp_service_token: str = DEV_MCP_TOKEN
    shutdown_drain_seconds: float = 5.0
    log_level: str = "INFO"
    host: str = "0.0.0.0"
    port: int = 8001

    @field_validator("database_url")
    @classmethod
    def _db_url(cls, v: str) -> str:
        return normalize_database_url(v)

    @field_validator("app_env", mode="before")
    @classmethod
    def _lower(cls, v: str) -> str:
        return v.strip().lower() if isinstance(v, str) else v

    def problems(self) -> list[str]:
        if self.app_env == "development":
            return []
        out = []
        if is_placeholder(self.mcp_service_token) or len(self.mcp_service_token) < MIN_SECRET_LENGTH:
            out.append(f"MCP_SERVICE_TOKEN is missing, a placeholder or shorter than {MIN_SECRET_LENGTH} characters")
        if is_placeholder(urlsplit(self.database_url).password):
            out.append("DATABASE_URL has no password or a placeholder one")
        return out


class SettingsError(SystemExit):
    pass


def check_startup(settings: Settings) -> None:
    problems = settings.problems()
    if problems:
        raise SettingsError(
            f"taskora-mcp-server: refusing to start with APP_ENV={settings.app_env}: {'; '.join(problems)}; "
            "set real values in the environment or use APP_ENV=development"
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
