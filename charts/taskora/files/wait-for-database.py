# Waits, bounded, until the host:port of DATABASE_URL accepts a TCP connection.
# Run by the migration Job's init container (the backend image: Python, no extra tools).
import os
import socket
import sys
import time
from urllib.parse import urlsplit

url = urlsplit(os.environ["DATABASE_URL"])
host, port = url.hostname, url.port or 5432
deadline = time.monotonic() + int(os.environ.get("WAIT_SECONDS", "180"))
attempt = 0
while True:
    attempt += 1
    try:
        socket.create_connection((host, port), timeout=3).close()
        print(f"database {host}:{port} accepts connections (attempt {attempt})", flush=True)
        sys.exit(0)
    except OSError as exc:
        if time.monotonic() >= deadline:
            print(f"database {host}:{port} still unreachable after {attempt} attempts: {exc}", flush=True)
            sys.exit(1)
        time.sleep(2)
