from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ancrage.core.pagination import paginate
from ancrage.notifications.models import Kind, Notification
from ancrage.notifications.services import mark_read, preferences_for, preferences_save
from ancrage.www.types import AncrageRequest


def notification_list(request: AncrageRequest) -> HttpResponse:
    page = paginate(request, Notification.objects.filter(user=request.actor.user))
    return render(
        request, "notifications/list.html", {"page": page, "nav": "notifications", "title": _("Notifications")}
    )


def notification_open(request: AncrageRequest, pk: int) -> HttpResponse:
    """Mark as read and follow the link (an internal path only)."""
    notification = get_object_or_404(Notification, pk=pk, user=request.actor.user)
    if notification.read_at is None:
        mark_read(user=request.actor.user, ids=[notification.pk])
    target = notification.url if url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None) else "/"
    return redirect(target)


@require_POST
def notification_read_all(request: AncrageRequest) -> HttpResponse:
    count = mark_read(user=request.actor.user)
    messages.success(request, _("%(count)s notification(s) marquée(s) comme lue(s).") % {"count": count})
    return redirect("notifications:list")


def notification_preferences(request: AncrageRequest) -> HttpResponse:
    user = request.actor.user
    rows = []
    for kind, label in Kind.choices:
        in_app, email = preferences_for([user], kind)[user.pk]
        rows.append({"kind": kind, "label": label, "in_app": in_app, "email": email})
    if request.method == "POST":
        choices = {
            str(row["kind"]): (f"{row['kind']}-in_app" in request.POST, f"{row['kind']}-email" in request.POST)
            for row in rows
        }
        preferences_save(user=user, choices=choices)
        messages.success(request, _("Préférences de notification enregistrées."))
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"rows": rows, "nav": "notifications", "title": _("Préférences de notification")},
    )
