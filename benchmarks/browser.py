"""Time until a map is drawn in headless Chromium, over the DevTools protocol on a pipe.

Chromium runs with ``--remote-debugging-pipe`` (it reads protocol messages from
fd 3 and writes to fd 4, NUL-separated JSON), so no WebSocket library or port
is needed. The map page (``graph/map_template/map.html``) sets
``window.integraphMap.drawn`` after vis-network's first ``afterDrawing`` and
``.stabilized`` once the layout has settled (at once when physics is off); the
time to drawn is from ``Page.navigate`` until both are true.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

DRAWN = ("(() => { const m = window.integraphMap; "
         "return m && m.drawn && m.stabilized ? performance.now() : null; })()")


class Chromium:
    """One headless Chromium driven over ``--remote-debugging-pipe``."""

    def __init__(self, binary: str, *, width: int = 1600, height: int = 1000) -> None:
        self.profile = tempfile.TemporaryDirectory(prefix="bench-chromium-")
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()
        args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--no-default-browser-check", "--remote-debugging-pipe",
                f"--user-data-dir={self.profile.name}", f"--window-size={width},{height}", "about:blank"]
        # the shell puts the pipe ends on fds 3 and 4, where Chromium expects them
        self.proc = subprocess.Popen(
            ["sh", "-c", f'exec "$0" "$@" 3<&{to_chrome_r} 4>&{from_chrome_w}', binary, *args],
            pass_fds=(to_chrome_r, from_chrome_w), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer = b""
        self._next = 0
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]

    def call(self, method: str, params: dict[str, Any] | None = None, *, session: str | None = None,
             timeout: float = 60.0) -> dict[str, Any]:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            reply = self._read()
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})  # type: ignore[no-any-return]
        raise TimeoutError(f"{method}: no answer in {timeout} s")

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = os.read(self._from_chrome, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the pipe")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(message)  # type: ignore[no-any-return]

    def time_to_drawn(self, page: Path, timeout: float = 120.0) -> tuple[float, float]:
        """(wall seconds from navigate to drawn, the page's own ``performance.now()`` in seconds)."""
        t0 = time.perf_counter()
        self.call("Page.navigate", {"url": page.resolve().as_uri()}, session=self.session)
        while time.perf_counter() - t0 < timeout:
            value = self.call("Runtime.evaluate", {"expression": DRAWN, "returnByValue": True},
                              session=self.session).get("result", {}).get("value")
            if value is not None:
                return time.perf_counter() - t0, float(value) / 1000
            time.sleep(0.02)
        raise TimeoutError(f"{page.name}: not drawn after {timeout} s")

    def close(self) -> None:
        with contextlib.suppress(OSError, RuntimeError, TimeoutError):
            self.call("Browser.close", timeout=10)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._to_chrome, self._from_chrome):
            with contextlib.suppress(OSError):
                os.close(fd)
        self.profile.cleanup()
