"""The API's error contract: one body for every error, the handlers that produce it, and the router that
documents it.

Every error answer of ``/api/v1/`` has the body :class:`~ancrage.api.schemas.ErrorOut`::

    {"detail": "<French message>", "code": "<machine code>", "errors": [{"loc": [...], "msg": "...",
     "type": "..."}] | null, "version": <int> | null}

``errors`` lists what is wrong with the request, field by field (the request's own validation as well as
the services' business rules); ``version`` is the current version of the object on a 409 version conflict.

:class:`ApiRouter` declares on every operation the errors it can really give, with that body: 401 always
(every endpoint needs authentication), 422 when it takes input, 404 when its path has parameters, 403 for
unsafe methods (a session without its CSRF token), 400 when it reads a JSON body (unparsable body). An
endpoint adds the others it raises itself (``response={200: X, 403: ErrorOut, 409: ErrorOut}``).
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import NinjaAPI, Router, Status
from ninja.constants import NOT_SET
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from .schemas import ErrorOut

logger = logging.getLogger("ancrage.api")

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# Machine-readable codes of the ``code`` field.
CODE_BAD_REQUEST = "bad_request"
CODE_AUTHENTICATION_REQUIRED = "authentication_required"
CODE_INVALID_TOKEN = "invalid_token"  # noqa: S105 (an error code, not a secret)
CODE_OTP_REQUIRED = "otp_required"
CODE_PERMISSION_DENIED = "permission_denied"
CODE_CSRF_FAILED = "csrf_failed"
CODE_NOT_FOUND = "not_found"
CODE_CONFLICT = "conflict"
CODE_VALIDATION = "validation_error"
CODE_THROTTLED = "throttled"
CODE_SERVER_ERROR = "server_error"


class ApiError(Exception):
    """An error answer, raised anywhere under an API view and rendered with the error body."""

    def __init__(
        self,
        status: int,
        detail: str,
        code: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        version: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.code = code
        self.errors = errors
        self.version = version
        self.headers = headers or {}


def error_body(
    detail: str, code: str, *, errors: list[dict[str, Any]] | None = None, version: int | None = None
) -> dict[str, Any]:
    return {"detail": detail, "code": code, "errors": errors, "version": version}


# --- request validation (ninja / pydantic) -> French ---------------------------------------------

# pydantic error type -> French message (placeholders from the error's ``ctx``), translated when answered.
_PYDANTIC_MESSAGES: dict[str, str] = {
    "missing": gettext_noop("Ce champ est obligatoire."),
    "int_parsing": gettext_noop("Nombre entier attendu."),
    "int_type": gettext_noop("Nombre entier attendu."),
    "int_from_float": gettext_noop("Nombre entier attendu."),
    "float_parsing": gettext_noop("Nombre attendu."),
    "float_type": gettext_noop("Nombre attendu."),
    "decimal_parsing": gettext_noop("Nombre décimal attendu."),
    "decimal_type": gettext_noop("Nombre décimal attendu."),
    "decimal_max_digits": gettext_noop("Au plus %(max_digits)s chiffres."),
    "decimal_max_places": gettext_noop("Au plus %(decimal_places)s chiffres après la virgule."),
    "decimal_whole_digits": gettext_noop("Au plus %(whole_digits)s chiffres avant la virgule."),
    "finite_number": gettext_noop("Nombre fini attendu."),
    "bool_parsing": gettext_noop("Booléen attendu (true ou false)."),
    "bool_type": gettext_noop("Booléen attendu (true ou false)."),
    "string_type": gettext_noop("Texte attendu."),
    "string_unicode": gettext_noop("Texte attendu."),
    "string_too_short": gettext_noop("Au moins %(min_length)s caractères."),
    "string_too_long": gettext_noop("Au plus %(max_length)s caractères."),
    "string_pattern_mismatch": gettext_noop("Format invalide."),
    "greater_than": gettext_noop("La valeur doit être supérieure à %(gt)s."),
    "greater_than_equal": gettext_noop("La valeur doit être supérieure ou égale à %(ge)s."),
    "less_than": gettext_noop("La valeur doit être inférieure à %(lt)s."),
    "less_than_equal": gettext_noop("La valeur doit être inférieure ou égale à %(le)s."),
    "literal_error": gettext_noop("Valeur inconnue ; valeurs possibles : %(expected)s."),
    "enum": gettext_noop("Valeur inconnue ; valeurs possibles : %(expected)s."),
    "date_parsing": gettext_noop("Date attendue (AAAA-MM-JJ)."),
    "date_from_datetime_parsing": gettext_noop("Date attendue (AAAA-MM-JJ)."),
    "date_from_datetime_inexact": gettext_noop("Date attendue (AAAA-MM-JJ)."),
    "date_type": gettext_noop("Date attendue (AAAA-MM-JJ)."),
    "datetime_parsing": gettext_noop("Date et heure attendues (ISO 8601)."),
    "datetime_from_date_parsing": gettext_noop("Date et heure attendues (ISO 8601)."),
    "datetime_type": gettext_noop("Date et heure attendues (ISO 8601)."),
    "list_type": gettext_noop("Liste attendue."),
    "dict_type": gettext_noop("Objet JSON attendu."),
    "model_type": gettext_noop("Objet JSON attendu."),
    "model_attributes_type": gettext_noop("Objet JSON attendu."),
    "too_short": gettext_noop("Au moins %(min_length)s éléments."),
    "too_long": gettext_noop("Au plus %(max_length)s éléments."),
    "json_invalid": gettext_noop("JSON invalide."),
    "extra_forbidden": gettext_noop("Champ inconnu."),
}


def _french(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    template = _PYDANTIC_MESSAGES.get(kind)
    if template is None:
        return _("Valeur invalide.")
    context = {key: str(value) for key, value in (error.get("ctx") or {}).items()}
    try:
        return _(template) % context if "%(" in template else _(template)
    except (KeyError, ValueError, TypeError):
        return _("Valeur invalide.")


def _loc(loc: Iterable[Any]) -> list[str | int]:
    return [part if isinstance(part, int) else str(part) for part in loc]


def request_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """ninja's validation errors as error items, with French messages.

    The name of the view's body parameter (``payload``) is an implementation detail: it is dropped from
    ``loc`` so that ``["body", "reason"]`` names the request field, as the services' errors do.
    """
    items = []
    for error in errors:
        loc = _loc(error.get("loc", ()))
        if len(loc) >= 2 and loc[0] == "body" and loc[1] == "payload":
            loc = [loc[0], *loc[2:]]
        items.append({"loc": loc, "msg": _french(error), "type": str(error.get("type", "value_error"))})
    return items


# --- services' validation errors ---------------------------------------------------------------------


def domain_errors(
    error: DjangoValidationError, fields: dict[str, str] | None = None, *, source: str = "body"
) -> list[dict[str, Any]]:
    """A Django ``ValidationError`` as error items; ``fields`` renames model fields to request fields.

    A field error is located at ``[source, field]``, a general one at ``[source]``.
    """
    fields = fields or {}
    items: list[dict[str, Any]] = []
    if hasattr(error, "error_dict"):
        for name, field_errors in error.error_dict.items():
            loc: list[str | int] = [source] if name == "__all__" else [source, fields.get(name, name)]
            for item in field_errors:
                for message in item.messages:
                    items.append({"loc": loc, "msg": str(message), "type": item.code or "invalid"})
    else:
        for item in error.error_list:
            for message in item.messages:
                items.append({"loc": [source], "msg": str(message), "type": item.code or "invalid"})
    return items


def invalid(error: DjangoValidationError, fields: dict[str, str] | None = None, *, source: str = "body") -> Status:
    """A services' ``ValidationError`` as a 422 answer (to return from a view that declares 422)."""
    items = domain_errors(error, fields, source=source)
    detail = " ".join(dict.fromkeys(item["msg"] for item in items)) or _("La requête contient des données invalides.")
    return Status(422, error_body(detail, CODE_VALIDATION, errors=items))


def invalid_field(field: str, message: str, *, source: str = "body") -> Status:
    """One field's error as a 422 answer."""
    return invalid(DjangoValidationError({field: message}), source=source)


def conflict(error: DjangoValidationError, *, version: int | None = None) -> Status:
    """A conflict (not possible from the current state, or a stale version) as a 409 answer."""
    return Status(409, error_body(" ".join(error.messages), CODE_CONFLICT, version=version))


def bad_request(message: str) -> Status:
    return Status(400, error_body(message, CODE_BAD_REQUEST))


# --- exception handlers ------------------------------------------------------------------------------


def _respond(api: NinjaAPI, request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    return api.create_response(request, body, status=status)


def unauthenticated(api: NinjaAPI, request: HttpRequest, detail: str, code: str) -> HttpResponse:
    response = _respond(api, request, 401, error_body(detail, code))
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def install_handlers(api: NinjaAPI) -> None:
    """Every error path of ``api`` answers the error body, in French."""

    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        if exc.status == 401:
            response = unauthenticated(api, request, exc.detail, exc.code)
        else:
            response = _respond(
                api, request, exc.status, error_body(exc.detail, exc.code, errors=exc.errors, version=exc.version)
            )
        for name, value in exc.headers.items():
            response[name] = value
        return response

    def authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return unauthenticated(api, request, _("Authentification requise."), CODE_AUTHENTICATION_REQUIRED)

    def validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        body = error_body(
            _("La requête contient des données invalides."), CODE_VALIDATION, errors=request_errors(exc.errors)
        )
        return _respond(api, request, 422, body)

    def domain_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        items = domain_errors(exc)
        detail = " ".join(dict.fromkeys(item["msg"] for item in items))
        return _respond(api, request, 422, error_body(detail, CODE_VALIDATION, errors=items))

    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        body = error_body(_("Trop de requêtes : réessayez dans quelques instants."), CODE_THROTTLED)
        return _respond(api, request, 429, body)

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        status = exc.status_code
        if status == 403 and "csrf" in exc.message.lower():
            body = error_body(
                _(
                    "Jeton CSRF absent ou invalide : une requête de modification par la session doit porter "
                    "l'en-tête « X-CSRFToken »."
                ),
                CODE_CSRF_FAILED,
            )
        elif status == 400:
            body = error_body(_("Corps de requête illisible : JSON attendu."), CODE_BAD_REQUEST)
        elif status == 401:
            return unauthenticated(api, request, _("Authentification requise."), CODE_AUTHENTICATION_REQUIRED)
        elif status == 403:
            body = error_body(_("Accès refusé."), CODE_PERMISSION_DENIED)
        elif status == 404:
            body = error_body(_("Introuvable."), CODE_NOT_FOUND)
        else:
            body = error_body(_("Requête refusée."), CODE_BAD_REQUEST)
        return _respond(api, request, status, body)

    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return _respond(api, request, 404, error_body(_("Introuvable."), CODE_NOT_FOUND))

    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return _respond(api, request, 403, error_body(_("Accès refusé."), CODE_PERMISSION_DENIED))

    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Logged and signalled as Django does for any view (the test client re-raises it); the caller
        # gets JSON, not the HTML error page.
        logger.error("Erreur interne de l'API sur %s", request.path, exc_info=exc)
        got_request_exception.send(sender=None, request=request)
        return _respond(
            api, request, 500, error_body(_("Erreur interne : l'équipe technique est prévenue."), CODE_SERVER_ERROR)
        )

    handlers: list[tuple[type[Exception], Callable[..., HttpResponse]]] = [
        (ApiError, api_error),
        (AuthenticationError, authentication),
        (NinjaValidationError, validation),
        (DjangoValidationError, domain_validation),
        (Throttled, throttled),
        (HttpError, http_error),
        (Http404, not_found),
        (PermissionDenied, forbidden),
        (Exception, server_error),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)


# --- documented responses ---------------------------------------------------------------------------


def _takes_input(view_func: Callable) -> bool:
    parameters = list(inspect.signature(view_func).parameters.values())[1:]  # after ``request``
    return bool(parameters)


def _takes_body(view_func: Callable) -> bool:
    from ninja import Schema

    for parameter in list(inspect.signature(view_func).parameters.values())[1:]:
        annotation = parameter.annotation
        if isinstance(annotation, str):
            continue
        if isinstance(annotation, type) and issubclass(annotation, Schema):
            return True
    return False


def default_errors(path: str, methods: Iterable[str], view_func: Callable) -> dict[int, type[ErrorOut]]:
    """The errors every operation like this one can give, whatever its code does."""
    codes = {401}
    if _takes_input(view_func):
        codes.add(422)
    if "{" in path:
        codes.add(404)
    if UNSAFE_METHODS & {m.upper() for m in methods}:
        codes.add(403)  # CSRF check of session calls
    if _takes_body(view_func):
        codes.add(400)  # unparsable body
    return dict.fromkeys(sorted(codes), ErrorOut)


class ApiRouter(Router):
    """A router whose operations document their error answers (see the module docstring)."""

    def add_api_operation(self, path: str, methods: list[str], view_func: Callable, **kwargs: Any) -> None:
        response = kwargs.get("response", NOT_SET)
        if response is not NOT_SET:  # an operation without a declared response is flagged by the tests
            if not isinstance(response, dict):
                response = {200: response}
            declared = {code for key in response for code in (key if isinstance(key, Iterable) else [key])}
            defaults = default_errors(path, methods, view_func)
            kwargs["response"] = {**response, **{code: s for code, s in defaults.items() if code not in declared}}
        super().add_api_operation(path, methods, view_func, **kwargs)
