from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from ancrage.organisations.actor import Actor


class AncrageRequest(HttpRequest):
    """A request after our middleware: ``actor`` is set for every signed-in user."""

    actor: Actor
    htmx: HtmxDetails
