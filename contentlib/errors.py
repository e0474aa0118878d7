"""The domain's exceptions, mapped to HTTP statuses in one place by the app."""


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
    """An uploaded or imported file was refused; nothing of it was kept."""


class NotAllowed(ContentlibError):
    """The acting user may not do this."""


class InvalidTransition(ContentlibError):
    """A language version cannot move to the requested state."""


class IndexUnavailable(ContentlibError):
    """The search index is missing or broken; it should be rebuilt."""


class BadParameter(ContentlibError, ValueError):
    """A request parameter is malformed or names an unknown code."""

    def __init__(self, parameter: str, message: str):
        self.parameter = parameter
        self.message = message
        super().__init__(f"{parameter}: {message}")


class TooManyAttempts(ContentlibError):
    """Too many failed logins for this name and address; wait and try again."""


class NotFound(ContentlibError, LookupError):
    """A user, list, glossary entry or language version does not exist."""
