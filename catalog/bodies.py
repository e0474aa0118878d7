"""A request body the server cannot read is the client's fault: 400, never a 500.

gunicorn decodes a chunked body lazily, as the app reads ``wsgi.input``, so a
bad chunk size (``zz``) raises gunicorn's own parse error inside the view that
reads the form or the JSON; waitress reads the whole body first and answers 400
itself. Wrapping the input stream turns any error of the server's reader into
werkzeug's ``BadRequest``, which the app answers like any other 400, whichever
server runs it.
"""

from __future__ import annotations

from werkzeug.exceptions import BadRequest, HTTPException

UNREADABLE = "the request body could not be read (a broken chunked encoding?)"


class GuardedInput:
    """``wsgi.input`` whose read errors are a ``BadRequest``."""

    def __init__(self, stream):
        self._stream = stream

    def _call(self, name, *args):
        try:
            return getattr(self._stream, name)(*args)
        except HTTPException:
            raise
        except Exception as exc:  # the server's reader: gunicorn's ParseException, an OSError, ...
            raise BadRequest(UNREADABLE) from exc

    def read(self, *args):
        return self._call("read", *args)

    def readline(self, *args):
        return self._call("readline", *args)

    def readlines(self, *args):
        return self._call("readlines", *args)

    def readinto(self, buffer):
        if hasattr(self._stream, "readinto"):
            return self._call("readinto", buffer)
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def __iter__(self):
        return iter(self.readline, b"")

    def close(self):
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()


def init_app(app) -> None:
    inner = app.wsgi_app

    def guarded(environ, start_response):
        if environ.get("wsgi.input") is not None:
            environ["wsgi.input"] = GuardedInput(environ["wsgi.input"])
        return inner(environ, start_response)

    app.wsgi_app = guarded
