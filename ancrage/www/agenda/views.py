"""The référent's "À faire" page and the personal calendar feed (secret .ics address)."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ancrage.audit.services import audit_read
from ancrage.deadlines import feeds
from ancrage.deadlines.selectors import (
    SCOPE_MINE,
    SCOPE_ORGANISATION,
    TRACKS,
    can_switch_scope,
    default_scope,
    todo_items,
)
from ancrage.www.types import AncrageRequest

GROUP_PAGE_SIZE = 25


def _filters(request: AncrageRequest) -> tuple[str, str]:
    actor = request.actor
    scope = request.GET.get("portee") or default_scope(actor)
    if scope not in (SCOPE_MINE, SCOPE_ORGANISATION) or not can_switch_scope(actor):
        scope = default_scope(actor) if can_switch_scope(actor) else SCOPE_MINE
    track = request.GET.get("volet", "")
    if track not in {key for key, _label in TRACKS}:
        track = ""
    return scope, track


def todo(request: AncrageRequest) -> HttpResponse:
    """Open deadlines and upcoming appointments, grouped: overdue, this week, this month, later."""
    actor = request.actor
    if not actor.handles_cases:
        raise Http404
    scope, track = _filters(request)
    groups = todo_items(actor, scope=scope, track=track)
    shown_ids: set[int] = set()
    sections: list[dict[str, Any]] = []
    for group in groups:
        page = Paginator(group.items, GROUP_PAGE_SIZE).get_page(request.GET.get(f"page_{group.key}"))
        shown_ids |= {item.person_id for item in page}
        links = {}
        for name, number in (
            ("previous", page.previous_page_number() if page.has_previous() else None),
            ("next", page.next_page_number() if page.has_next() else None),
        ):
            if number is not None:
                query = request.GET.copy()
                query[f"page_{group.key}"] = str(number)
                links[name] = f"?{query.urlencode()}"
        sections.append({"group": group, "page": page, "links": links})
    audit_read(
        actor,
        event="agenda.todo",
        person_id=None,
        details={
            "ids": sorted(shown_ids),
            "deadline_ids": sorted(item.pk for s in sections for item in s["page"] if item.kind == "deadline"),
            "scope": scope,
            "track": track,
        },
    )
    return render(
        request,
        "agenda/todo.html",
        {
            "sections": sections,
            "scope": scope,
            "track": track,
            "tracks": TRACKS,
            "can_switch_scope": can_switch_scope(actor),
            "overdue_count": groups[0].count,
            "total": sum(g.count for g in groups),
            "nav": "todo",
            "title": _("À faire"),
        },
    )


def feed(request: AncrageRequest) -> HttpResponse:
    """Create (shown once), show the state of, or revoke the secret calendar address."""
    actor = request.actor
    if not actor.handles_cases or actor.membership is None:
        raise Http404
    token = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            _feed, token = feeds.feed_create(user=actor.user, membership=actor.membership)
        elif action == "revoke":
            if feeds.feed_revoke(user=actor.user, membership=actor.membership):
                messages.success(request, _("L'adresse de votre agenda est révoquée : elle ne fonctionne plus."))
            return redirect("agenda:feed")
        else:
            messages.error(request, _("Action inconnue."))
            return redirect("agenda:feed")
    current = feeds.current_feed(user=actor.user, membership=actor.membership)
    url = request.build_absolute_uri(reverse("agenda:feed_ics", args=[token])) if token else None
    return render(
        request,
        "agenda/feed.html",
        {"current": current, "feed_url": url, "nav": "todo", "title": _("Mon agenda partagé")},
        status=200,
    )


@login_not_required
@require_GET
def feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The calendar, for the holder of the secret address; access recomputed at each fetch."""
    try:
        resolved = feeds.feed_resolve(token)
    except feeds.FeedGone:
        return HttpResponse(_("Cette adresse d'agenda a été révoquée."), status=410, content_type="text/plain")
    if resolved is None:
        return HttpResponse(_("Adresse d'agenda inconnue."), status=404, content_type="text/plain")
    calendar_feed, actor = resolved
    content = feeds.feed_read(calendar_feed, actor, host=request.get_host() or settings.SITE_URL)
    response = HttpResponse(content.ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="ancrage-a-faire.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
