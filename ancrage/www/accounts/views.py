from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ancrage.organisations.actor import SESSION_KEY
from ancrage.organisations.models import Membership
from ancrage.www.types import AncrageRequest

from .forms import ChooseOrganisationForm, LoginForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    extra_context = {"title": _("Connexion")}

    def form_valid(self, form):
        response = super().form_valid(form)
        self.request.session.pop(SESSION_KEY, None)
        return response


@require_POST
def logout_view(request: AncrageRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("Vous êtes déconnecté."))
    return redirect("accounts:login")


def choose_organisation(request: AncrageRequest) -> HttpResponse:
    memberships = list(Membership.objects.active().filter(user=request.actor.user).select_related("organisation"))
    form = ChooseOrganisationForm(
        request.POST or None, memberships=memberships, initial={"membership": request.session.get(SESSION_KEY)}
    )
    if request.method == "POST" and form.is_valid():
        request.session[SESSION_KEY] = form.cleaned_data["membership"]
        chosen = next(m for m in memberships if m.pk == form.cleaned_data["membership"])
        messages.success(request, _("Vous travaillez pour %(org)s.") % {"org": chosen.organisation.name})
        target = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = "home"
        return redirect(target)
    return render(
        request,
        "accounts/choose_organisation.html",
        {"form": form, "memberships": memberships, "title": _("Choisir l'organisation")},
    )


def profile(request: AncrageRequest) -> HttpResponse:
    memberships = Membership.objects.active().filter(user=request.actor.user).select_related("organisation")
    return render(request, "accounts/profile.html", {"memberships": memberships, "title": _("Mon compte")})
