"""One TLS context for every outgoing HTTP client: building one costs ~50 ms of CPU, and the
chat makes a client per turn (MCP session, LLM calls)."""
from __future__ import annotations

import httpx

SSL_CONTEXT = httpx.create_ssl_context()
