"""The domain's exceptions, mapped to HTTP statuses in one place by the app."""

import errno


class ContentlibError(Exception):
    """Base of every error the core raises on purpose."""


class InvalidRecord(ContentlibError):
    """A catalog record (or a value inside it) breaks the record format.

    :param problems: ``(field, message)`` pairs, all of them, not just the first.
    """

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("; ".join(f"{f}: {m}" for f, m in self.problems))


class WorkNotFound(ContentlibError, LookupError):
    """No work has this id."""


class MediaRejected(ContentlibError):
    """An uploaded or imported file was refused; nothing of it was kept.

    ``reason`` sorts the refusal for people who do not read the English
    detail: ``format`` (a kind of file not accepted), ``size`` (over a
    limit), ``unsafe`` (refused for safety), ``missing`` (no file or an
    empty one) or ``damaged`` (it does not parse).
    """

    REASONS = ("format", "size", "unsafe", "missing", "damaged")

    def __init__(self, message, reason="damaged"):
        if reason not in self.REASONS:
            raise ValueError(f"unknown refusal reason {reason!r}")
        super().__init__(message)
        self.reason = reason

    def __reduce__(self):  # keep the reason across process pools
        return type(self), (str(self), self.reason)


class NotAllowed(ContentlibError):
    """The acting user may not do this."""


class InvalidTransition(ContentlibError):
    """A language version cannot move to the requested state."""


class IndexUnavailable(ContentlibError):
    """The search index is missing or broken; it should be rebuilt."""


class UnknownEngine(ContentlibError, ValueError):
    """``CONTENTLIB_SEARCH_ENGINE`` names no search engine, or one whose package is not installed."""


class BadParameter(ContentlibError, ValueError):
    """A request parameter is malformed or names an unknown code."""

    def __init__(self, parameter: str, message: str):
        self.parameter = parameter
        self.message = message
        super().__init__(f"{parameter}: {message}")


class TooManyAttempts(ContentlibError):
    """Too many failed logins from this address (for this name, or for every name); wait and try again."""


class LoginsBusy(ContentlibError):
    """This process is already checking as many passwords as it takes at once; try again in a moment."""


class OverLimit(ContentlibError):
    """A person asked for more than a limit allows; nothing was done. Ask again later.

    :param limit: which one (``pending``: bundles being prepared at once; ``daily``: new bundles in 24 hours).
    :param allowed: how many that limit allows.
    :param retry_after: seconds until asking again can succeed.
    """

    def __init__(self, limit: str, allowed: int, retry_after: float = 60.0):
        self.limit, self.allowed, self.retry_after = limit, allowed, max(1, int(retry_after))
        super().__init__(f"over the limit of {allowed} ({limit})")


class NotFound(ContentlibError, LookupError):
    """A user, list, glossary entry or language version does not exist."""


class CannotWrite(ContentlibError):
    """A target (an export, a backup) cannot be written where it was asked for; nothing was written."""


class DatabaseUnavailable(ContentlibError):
    """The database does not answer, or cannot be written, right now; this step changed nothing. Ask again soon.

    Raised in place of the driver's error (``contentlib.storage.engine``) for a refused or lost
    connection, a server shutting down, a timeout, a locked or read-only SQLite file.

    :param retry_after: seconds after which asking again may succeed.
    """

    def __init__(self, message: str = "the database is not available", retry_after: int = 5):
        super().__init__(message)
        self.retry_after = retry_after


class NoSpace(CannotWrite):
    """The disk (or the database's) is full: nothing was written. Free some space and try again."""


class ReadOnlyStorage(CannotWrite):
    """A folder (the media folder, the home) is on a file system that cannot be written now: nothing was written."""


_NO_SPACE = {errno.ENOSPC, errno.EDQUOT}


def storage_error(exc: BaseException, where: str = "") -> CannotWrite | None:
    """The domain error for a disk that is full or read-only (``NoSpace``, ``ReadOnlyStorage``), else None.

    Any other ``OSError`` (a bug, a missing file) is not the disk's state and stays what it is.
    """
    if isinstance(exc, (NoSpace, ReadOnlyStorage)):
        return exc
    if not isinstance(exc, OSError):
        return None
    at = f"{where}: " if where else (f"{exc.filename}: " if exc.filename else "")
    if exc.errno in _NO_SPACE:
        return NoSpace(f"{at}no space left on the disk")
    if exc.errno == errno.EROFS:
        return ReadOnlyStorage(f"{at}the file system is read-only")
    return None
