# Put before every helm test script (templates/_helpers.tpl, "taskora.testPod"): waits, bounded,
# until the host:port of each *_URL in the environment accepts a TCP connection from this pod.
# A new pod's first connections can be refused while the cluster's NetworkPolicy agent has not
# yet added its address to the policies that let it in (seconds, on a busy node): a test must
# judge the app, not that moment. Past the bound it stops waiting, and the test's own request
# fails with the reason.
import os as _os
import socket as _socket
import time as _time
from urllib.parse import urlsplit as _urlsplit


def _wait_for_services(seconds):
    deadline = _time.monotonic() + seconds
    for name, value in sorted(_os.environ.items()):
        url = _urlsplit(value) if name.endswith("_URL") else None
        if url is None or not url.hostname:
            continue
        port = url.port or (443 if url.scheme == "https" else 80)
        attempt = 0
        while True:
            attempt += 1
            try:
                _socket.create_connection((url.hostname, port), timeout=3).close()
                if attempt > 1:
                    print(f"{name}: {url.hostname}:{port} accepts connections (attempt {attempt})", flush=True)
                break
            except OSError as exc:
                if _time.monotonic() >= deadline:
                    print(f"{name}: {url.hostname}:{port} still refused after {attempt} attempts: {exc}", flush=True)
                    break
                _time.sleep(1)


_wait_for_services(float(_os.environ.get("HELM_TEST_WAIT_SECONDS", "30")))
