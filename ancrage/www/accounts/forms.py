from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Adresse électronique"), widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )
    password = forms.CharField(
        label=_("Mot de passe"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    error_messages = {
        "invalid_login": _("Adresse électronique ou mot de passe incorrect."),
        "inactive": _("Ce compte est désactivé."),
    }


class ChooseOrganisationForm(forms.Form):
    membership = forms.TypedChoiceField(label=_("Organisation"), coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].choices = [
            (m.pk, f"{m.organisation.name} — {m.get_role_display()}") for m in memberships
        ]


class TwoFactorCodeForm(forms.Form):
    """One code: the 6 digits of the authentication application, or a recovery code."""

    code = forms.CharField(
        label=_("Code de vérification"),
        max_length=32,
        strip=True,
        error_messages={"required": _("Saisissez le code.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false", "autocapitalize": "off"}
        ),
    )

    def __init__(self, *args, recovery_allowed: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if recovery_allowed:
            self.fields["code"].help_text = _(
                "Les 6 chiffres affichés par votre application d'authentification, ou l'un de vos codes de secours."
            )
        else:
            self.fields["code"].help_text = _("Les 6 chiffres affichés par votre application d'authentification.")
            self.fields["code"].widget.attrs["inputmode"] = "numeric"
