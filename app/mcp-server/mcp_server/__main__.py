"""`python -m mcp_server`: serve the MCP server on HOST:PORT (default 0.0.0.0:8001), path /mcp.

On SIGTERM /readyz fails at once; the server stops after SHUTDOWN_DRAIN_SECONDS (a second
signal stops it at once).
"""
from __future__ import annotations

import asyncio
import logging
import sys

import uvicorn

from mcp_server.config import Settings, SettingsError, check_startup, settings_error_line
from mcp_server.logs import setup_logging


class DrainingServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, state: dict, drain_seconds: float) -> None:
        super().__init__(config)
        self._state, self._drain, self._signalled = state, drain_seconds, False

    def _stop(self) -> None:
        # A drained, graceful stop ends with exit status 0 (uvicorn would re-raise the signal).
        self.should_exit = True

    def handle_exit(self, sig, frame) -> None:
        if self._signalled or self._drain <= 0:
            return super().handle_exit(sig, frame)
        self._signalled = True
        self._state["draining"] = True
        logging.getLogger("taskora.server").info(
            "signal received: readiness fails now, stopping after the drain",
            extra={"fields": {"signal": int(sig), "drain_seconds": self._drain}})
        asyncio.get_event_loop().call_later(self._drain, self._stop)


def main() -> int:
    try:
        settings = Settings()
        check_startup(settings)
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001
        print(f"taskora-mcp-server: bad settings: {settings_error_line(exc)}", file=sys.stderr)
        return 2
    setup_logging(settings.log_level, service="mcp-server")
    from mcp_server.server import create_app

    app = create_app(settings)
    config = uvicorn.Config(app, host=settings.host, port=settings.port, log_config=None,
                            access_log=False, timeout_graceful_shutdown=max(5, int(settings.shutdown_drain_seconds) + 5))
    DrainingServer(config, app.state.taskora, settings.shutdown_drain_seconds).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
