"""One HTTP fetch with bounds a misbehaving server cannot stretch: a deadline for the whole
fetch (not only for each read: a server that sends a byte every 10 s never trips a per-read
timeout), a cap on the bytes read, and every network or protocol failure as one FetchError."""
from __future__ import annotations

import http.client
import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

USER_AGENT = "storyline/0.1 (+offline news analysis)"
READ_TIMEOUT = 20.0  # seconds without a byte
DEADLINE = 60.0  # seconds for a whole fetch: connecting, the headers and the body
MAX_BYTES = 16 * 2**20  # an article page is far smaller; the text limit is 10 M characters


class FetchError(OSError):
    """A fetch that failed: the message says how, in one line."""


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


def _opener(sockets: list[socket.socket]) -> urllib.request.OpenerDirector:
    """urllib, with each connection's socket kept where the deadline's timer can close it."""
    class Plain(http.client.HTTPConnection):
        def connect(self):
            super().connect()
            sockets.append(self.sock)

    class TLS(http.client.HTTPSConnection):
        def connect(self):
            super().connect()
            sockets.append(self.sock)

    class PlainHandler(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(Plain, req)

    class TLSHandler(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(TLS, req, context=self._context)

    return urllib.request.build_opener(PlainHandler, TLSHandler)


def _one_line(said: object) -> str:
    """What a server or the network said, in one short line, however it was written."""
    return " ".join(str(said).split())[:200]


def _close(sockets: list[socket.socket]) -> None:
    for s in sockets:
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def fetch(url: str, headers: dict | None = None) -> Response:
    """The response to a GET; 304 (not modified) is a response, every other failure a FetchError.
    The bounds are this module's DEADLINE, MAX_BYTES and READ_TIMEOUT."""
    deadline, max_bytes, read_timeout = DEADLINE, MAX_BYTES, READ_TIMEOUT
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **(headers or {})})
    sockets: list[socket.socket] = []
    timer = threading.Timer(deadline, _close, (sockets,))
    timer.daemon = True
    start = time.monotonic()
    timer.start()
    try:
        with _opener(sockets).open(req, timeout=read_timeout) as resp:
            chunks, size = [], 0
            while chunk := resp.read1(65536):
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(f"{url}: over {max_bytes:,} bytes, not read further")
                chunks.append(chunk)
            if time.monotonic() - start >= deadline:  # the timer ended it: what came is a part
                raise FetchError(f"{url}: no complete answer within {deadline:.0f} s")
            if resp.length:  # the body ended before its Content-Length: cut off
                raise http.client.IncompleteRead(b"".join(chunks), resp.length)
            return Response(resp.status, resp.headers, b"".join(chunks))
    except urllib.error.HTTPError as e:
        if e.code == 304:
            return Response(304, e.headers, b"")
        raise FetchError(f"{url}: HTTP {e.code} {_one_line(e.reason)!r}") from None
    except FetchError:
        raise
    except (OSError, http.client.HTTPException, ValueError) as e:
        if time.monotonic() - start >= deadline:
            raise FetchError(f"{url}: no complete answer within {deadline:.0f} s") from None
        reason = e.reason if isinstance(e, urllib.error.URLError) else e
        raise FetchError(f"{url}: {type(reason).__name__}: {_one_line(reason)}".rstrip(": ")) from None
    finally:
        timer.cancel()
