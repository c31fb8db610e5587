"""Request-scoped facts the audit log records without every caller passing them."""

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class AuditContext:
    channel: str = "command"
    ip: str | None = None


_current: ContextVar[AuditContext] = ContextVar("audit_context", default=AuditContext())  # noqa: B039 - frozen


def current() -> AuditContext:
    return _current.get()


def set_context(context: AuditContext):
    return _current.set(context)


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = "api" if request.path.startswith("/api/") else "web"
        token = _current.set(AuditContext(channel=channel, ip=request.META.get("REMOTE_ADDR")))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
