from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import DEVICE_ID_SESSION_KEY

from ancrage.organisations import two_factor
from ancrage.organisations.actor import SESSION_KEY
from ancrage.organisations.models import Membership
from ancrage.www.types import AncrageRequest

from .forms import ChooseOrganisationForm, LoginForm
from .proconnect import proconnect_logout_url


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    extra_context = {"title": _("Connexion")}

    def form_valid(self, form):
        response = super().form_valid(form)
        self.request.session.pop(SESSION_KEY, None)
        # A password alone never verifies the session: the second factor comes next (or enrolment).
        self.request.session.pop(DEVICE_ID_SESSION_KEY, None)
        user = form.get_user()
        if two_factor.user_requires_two_factor(user):
            return redirect(two_factor.two_factor_url(user, self.get_success_url()))
        return response


@two_factor.two_factor_exempt
@require_POST
def logout_view(request: AncrageRequest) -> HttpResponse:
    proconnect_end = proconnect_logout_url(request)  # read from the session before it is flushed
    logout(request)
    messages.info(request, _("Vous êtes déconnecté."))
    return redirect(proconnect_end or "accounts:login")


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
    user = request.actor.user
    memberships = Membership.objects.active().filter(user=user).select_related("organisation")
    return render(
        request,
        "accounts/profile.html",
        {
            "memberships": memberships,
            "two_factor_enabled": two_factor.confirmed_totp_device(user) is not None,
            "recovery_codes_left": two_factor.recovery_codes_left(user),
            "title": _("Mon compte"),
        },
    )
