"""Exceptions raised by the ActiveLab client.

Every error the server reports carries a code, as GraphQL's
``extensions.code`` (UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND,
CONFLICT, INTERNAL); the client raises the subclass of :class:`ActiveLabError`
that matches it, so ``except activelab.ConflictError`` catches a label
someone else gave first.
"""


class ActiveLabError(Exception):
    """An error reported by the server (or the connection to it).

    ``code`` is the first error's ``extensions.code`` (None when the server
    gave none), ``errors`` the GraphQL error objects as received (a list of
    dicts with ``message``, ``path``, ``extensions``), ``status`` the HTTP
    status when the answer was not a GraphQL one.
    """

    def __init__(self, message, code=None, errors=None, status=None):
        super().__init__(message)
        self.code = code
        self.errors = errors or []
        self.status = status


class UnauthenticatedError(ActiveLabError):
    """UNAUTHENTICATED: no, an expired or a revoked token."""


class ForbiddenError(ActiveLabError):
    """FORBIDDEN: the token's user lacks the role."""


class BadUserInputError(ActiveLabError):
    """BAD_USER_INPUT: an argument was refused (the message says which)."""


class NotFoundError(ActiveLabError):
    """NOT_FOUND: no such model, item, cycle, ..."""


class ConflictError(ActiveLabError):
    """CONFLICT: the state changed under the call (an item labeled or taken by someone else)."""


class InternalError(ActiveLabError):
    """INTERNAL: the server failed; its log says why."""


class CycleFailed(ActiveLabError):
    """A background selection or retrain ended with the cycle FAILED (``cycle`` holds it)."""

    def __init__(self, message, cycle):
        super().__init__(message, code="CYCLE_FAILED")
        self.cycle = cycle


_BY_CODE = {
    "UNAUTHENTICATED": UnauthenticatedError,
    "FORBIDDEN": ForbiddenError,
    "BAD_USER_INPUT": BadUserInputError,
    "NOT_FOUND": NotFoundError,
    "CONFLICT": ConflictError,
    "INTERNAL": InternalError,
}

# HTTP statuses of the plain (non-GraphQL) endpoints, as codes.
_BY_STATUS = {400: "BAD_USER_INPUT", 401: "UNAUTHENTICATED", 403: "FORBIDDEN", 404: "NOT_FOUND", 409: "CONFLICT"}


def from_graphql(errors, status=None):
    """The exception for a list of GraphQL errors (the first one's code decides)."""
    first = errors[0] if errors else {}
    code = (first.get("extensions") or {}).get("code")
    msg = "; ".join(
        f"{(e.get('extensions') or {}).get('code') or 'ERROR'}: {e.get('message', '')}" for e in errors
    ) or "unknown GraphQL error"
    return _BY_CODE.get(code, ActiveLabError)(msg, code=code, errors=errors, status=status)


def from_status(status, text):
    """The exception for a plain HTTP answer with an error status."""
    code = _BY_STATUS.get(status, "INTERNAL" if status >= 500 else None)
    msg = f"{code or 'HTTP ' + str(status)}: {text.strip()}"
    return _BY_CODE.get(code, ActiveLabError)(msg, code=code, status=status)


def from_close(code, reason):
    """The exception for a websocket the server closed for its credentials.

    The server closes with 4401 without credentials and 4403 with bad ones
    (graphql-ws codes); both are what HTTP calls UNAUTHENTICATED, so both
    raise UnauthenticatedError (``status`` holds the close code). Other
    codes give None: the connection may be retried.
    """
    if code in (4401, 4403):
        return UnauthenticatedError(f"UNAUTHENTICATED: websocket closed with {code} ({reason or 'credentials refused'})",
                                    code="UNAUTHENTICATED", status=code)
    return None
