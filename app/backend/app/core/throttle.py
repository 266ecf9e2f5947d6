"""Login throttling and the cap on concurrent password hashes.

An argon2id hash needs its memory (19 MiB, app/core/security.py) for as long as it runs, and the
thread pool would run 40 at once: `HashGate` lets `AUTH_HASH_CONCURRENCY` hashes run at a time;
the others wait (at most `AUTH_HASH_QUEUE` of them, each at most `AUTH_HASH_WAIT_SECONDS`) and
beyond that get 503 with Retry-After. Waiting costs no thread and no hash memory.

`FailureCounter` counts failed logins in a sliding window, per account (the e-mail, known or
not) and per client address; at the limit, login answers 429 with Retry-After without checking
the password. Login checks the counts before it queues for a hash slot and again once it holds
one, so parallel guesses overshoot a limit by at most AUTH_HASH_CONCURRENCY - 1; a successful
login clears the account's count (successes never count).

Both live in the process's memory: with several backend pods each pod counts on its own (the
Service spreads a client's requests over them). No pinned library fits this shape (count only
failures, clear on success, bounded memory) better than these few lines.
"""
from __future__ import annotations

import asyncio
import hmac
import ipaddress
import math
import threading
import time
from collections import OrderedDict, deque
from contextlib import asynccontextmanager

from fastapi import HTTPException, Request, status

from app.core.config import Settings

# The BFF sends the browser's address in CLIENT_ADDRESS_HEADER; the backend believes it only with
# SERVICE_TOKEN_HEADER equal to its MCP_SERVICE_TOKEN (the frontend has it as
# BACKEND_SERVICE_TOKEN), else it counts the connection's peer address.
CLIENT_ADDRESS_HEADER = "x-taskora-client-address"
SERVICE_TOKEN_HEADER = "x-taskora-service-token"
HASH_BUSY_RETRY_AFTER_SECONDS = 2


class FailureCounter:
    """Failures per key within the last `window` seconds; at most `max_keys` keys are kept (the
    least recently failed are forgotten first), so a flood of made-up e-mails cannot fill memory."""

    def __init__(self, limit: int, window: float, max_keys: int = 100_000, clock=time.monotonic) -> None:
        self.limit, self.window, self.max_keys, self.clock = limit, window, max_keys, clock
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float] | None:
        hits = self._hits.get(key)
        if hits is None:
            return None
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if not hits:
            del self._hits[key]
            return None
        return hits

    def blocked_for(self, key: str) -> int:
        """Seconds until `key` may try again (0: it may now)."""
        with self._lock:
            now = self.clock()
            hits = self._recent(key, now)
            if hits is None or len(hits) < self.limit:
                return 0
            return max(1, math.ceil(hits[-self.limit] + self.window - now))

    def hit(self, key: str) -> None:
        with self._lock:
            now = self.clock()
            hits = self._recent(key, now)
            if hits is None:
                hits = self._hits[key] = deque()
            hits.append(now)
            self._hits.move_to_end(key)
            while len(self._hits) > self.max_keys:
                self._hits.popitem(last=False)

    def reset(self, key: str) -> None:
        with self._lock:
            self._hits.pop(key, None)


class HashBusy(Exception):
    pass


class HashGate:
    """At most `concurrency` password hashes at a time; at most `queue` callers waiting, each at
    most `wait_seconds`."""

    def __init__(self, concurrency: int, queue: int, wait_seconds: float) -> None:
        self.concurrency, self.queue, self.wait_seconds = concurrency, queue, wait_seconds
        self._sem = asyncio.Semaphore(concurrency)
        self._admitted = 0  # running + waiting
        self._running = 0
        self.peak_running = 0

    @asynccontextmanager
    async def slot(self):
        if self._admitted >= self.concurrency + self.queue:
            raise HashBusy
        self._admitted += 1
        try:
            try:
                await asyncio.wait_for(self._sem.acquire(), self.wait_seconds)
            except TimeoutError:
                raise HashBusy from None
            self._running += 1
            self.peak_running = max(self.peak_running, self._running)
            try:
                yield
            finally:
                self._running -= 1
                self._sem.release()
        finally:
            self._admitted -= 1


class AuthGuard:
    """The app's throttles, made from the settings (app.state.auth_guard)."""

    def __init__(self, settings: Settings) -> None:
        window = settings.auth_failure_window_seconds
        self.accounts = FailureCounter(settings.auth_account_max_failures, window)
        self.addresses = FailureCounter(settings.auth_address_max_failures, window)
        self.hashes = HashGate(settings.auth_hash_concurrency, settings.auth_hash_queue,
                               settings.auth_hash_wait_seconds)

    def check_login(self, email: str, address: str) -> None:
        """Raises 429 when the account or the address is at its limit of failures."""
        wait = max(self.accounts.blocked_for(email), self.addresses.blocked_for(address))
        if wait:
            raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS,
                                detail=f"too many failed logins; try again in {wait} s",
                                headers={"Retry-After": str(wait)})

    def login_failed(self, email: str, address: str) -> None:
        self.accounts.hit(email)
        self.addresses.hit(address)

    def login_succeeded(self, email: str) -> None:
        self.accounts.reset(email)

    @asynccontextmanager
    async def hashing(self):
        """A hash slot, or 503 with Retry-After when too many are waiting already."""
        try:
            async with self.hashes.slot():
                yield
        except HashBusy:
            raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE,
                                detail="too many logins at once; try again in a moment",
                                headers={"Retry-After": str(HASH_BUSY_RETRY_AFTER_SECONDS)}) from None


def client_address(request: Request, settings: Settings) -> str:
    """The address failures are counted against: the BFF's forwarded client address when the
    request proves it comes from the BFF, else the peer's. IPv6 addresses count by /64 (one
    host usually holds a whole /64)."""
    peer = request.client.host if request.client else "unknown"
    forwarded = request.headers.get(CLIENT_ADDRESS_HEADER, "").strip()
    token = request.headers.get(SERVICE_TOKEN_HEADER, "")
    raw = peer
    if forwarded and token and hmac.compare_digest(token.encode(), settings.mcp_service_token.encode()):
        raw = forwarded
    try:
        ip = ipaddress.ip_address(raw)
    except ValueError:
        return raw[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)
