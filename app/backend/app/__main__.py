"""`python -m app`: serve the backend on HOST:PORT (default 0.0.0.0:8000).

On SIGTERM (or SIGINT) /readyz starts failing at once, the server keeps serving for
SHUTDOWN_DRAIN_SECONDS so that load balancers take it out of rotation, then it stops
gracefully. A second signal stops it at once.
"""
from __future__ import annotations

import asyncio
import logging
import sys

import uvicorn

from app.core.config import Settings, SettingsError, check_startup, settings_error_line
from app.core.logging import setup_logging


class DrainingServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, app, drain_seconds: float) -> None:
        super().__init__(config)
        self._app = app
        self._drain = drain_seconds
        self._signalled = False

    def _stop(self) -> None:
        # A drained, graceful stop ends with exit status 0 (uvicorn would re-raise the signal).
        self.should_exit = True

    def handle_exit(self, sig, frame) -> None:  # called from the signal handler
        log = logging.getLogger("taskora.server")
        if self._signalled or self._drain <= 0:
            return super().handle_exit(sig, frame)
        self._signalled = True
        self._app.state.draining = True
        log.info("signal received: readiness fails now, stopping after the drain",
                 extra={"fields": {"signal": int(sig), "drain_seconds": self._drain}})
        asyncio.get_event_loop().call_later(self._drain, self._stop)


def main() -> int:
    try:
        settings = Settings()
        check_startup(settings)
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    except Exception as exc:  # a malformed variable: one line naming it
        print(f"taskora-backend: bad settings: {settings_error_line(exc)}", file=sys.stderr)
        return 2
    setup_logging(settings.log_level)
    from app.main import create_app

    app = create_app(settings)
    config = uvicorn.Config(app, host=settings.host, port=settings.port, log_config=None,
                            access_log=False,
                            # the peer address is the connection's: X-Forwarded-For is anyone's to
                            # set; the BFF's forwarded address is trusted only with the service
                            # token (app/core/throttle.py)
                            proxy_headers=False,
                            timeout_graceful_shutdown=max(5, int(settings.shutdown_drain_seconds) + 5))
    DrainingServer(config, app, settings.shutdown_drain_seconds).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
