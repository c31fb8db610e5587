"""Personal API tokens: list mine, create one (the key is shown once), revoke."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ancrage.api.services import api_token_issue, api_token_revoke
from ancrage.organisations.actor import Actor
from ancrage.organisations.models import ApiToken, Membership
from ancrage.www.types import AncrageRequest


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Nom du jeton"),
        max_length=100,
        help_text=gettext_lazy("Pour vous souvenir de son usage, par exemple le nom de l'outil qui l'utilise."),
        error_messages={"required": gettext_lazy("Donnez un nom au jeton.")},
    )
    expires_on = forms.DateField(
        label=gettext_lazy("Date d'expiration"),
        required=False,
        help_text=gettext_lazy("Facultative. Le jeton cesse de fonctionner à la fin de ce jour."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("Saisissez une date valide, par exemple 31/12/2026.")},
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Donnez un nom au jeton."))
        return name

    def clean_expires_on(self) -> dt.date | None:
        value = self.cleaned_data.get("expires_on")
        if value is not None and value <= timezone.localdate():
            raise forms.ValidationError(_("La date d'expiration doit être postérieure à aujourd'hui."))
        return value

    @property
    def expires_at(self) -> dt.datetime | None:
        """The end of the chosen day, in the current time zone."""
        value = self.cleaned_data.get("expires_on")
        if value is None:
            return None
        return timezone.make_aware(dt.datetime.combine(value + dt.timedelta(days=1), dt.time.min))


def _status(token: ApiToken, now: dt.datetime) -> tuple[str, str]:
    if token.revoked_at is not None:
        return "revoked", _("Révoqué")
    if token.expires_at is not None and token.expires_at <= now:
        return "expired", _("Expiré")
    return "active", _("Actif")


@never_cache
@require_http_methods(["GET", "POST"])
def token_list(request: AncrageRequest) -> HttpResponse:
    actor: Actor = request.actor  # type: ignore[attr-defined]  # set for signed-in users
    membership = actor.membership
    form = ApiTokenForm(request.POST or None)
    new_token, new_key = None, None
    if request.method == "POST":
        if membership is None:
            raise PermissionDenied
        if form.is_valid():
            new_token, new_key = api_token_issue(
                actor=actor, name=form.cleaned_data["name"], expires_at=form.expires_at
            )
            form = ApiTokenForm()
    now = timezone.now()
    tokens = list(
        ApiToken.objects.filter(membership__user=actor.user)
        .select_related("membership__organisation")
        .order_by("-created_at", "-id")
    )
    for token in tokens:
        token.status, token.status_label = _status(token, now)  # type: ignore[attr-defined]
    return render(
        request,
        "accounts/tokens.html",
        {
            "title": _("Mes jetons d'API"),
            "form": form,
            "tokens": tokens,
            "membership": membership,
            "new_token": new_token,
            "new_key": new_key,
            "can_choose_organisation": membership is None
            and Membership.objects.active().filter(user=actor.user).exists(),
        },
    )


@require_POST
def token_revoke(request: AncrageRequest, pk: int) -> HttpResponse:
    actor: Actor = request.actor  # type: ignore[attr-defined]
    token = get_object_or_404(ApiToken.objects.select_related("membership"), pk=pk, membership__user=actor.user)
    if token.revoked_at is not None:
        messages.info(request, _("Ce jeton était déjà révoqué."))
    else:
        api_token_revoke(actor=actor, token=token)
        messages.success(
            request,
            _("Le jeton « %(name)s » est révoqué : il ne permet plus d'accéder à l'API.") % {"name": token.name},
        )
    return redirect("accounts:tokens")
