"""Forms of the platform administration pages. They validate; the services in
``ancrage.organisations.services`` write."""

from django import forms
from django.contrib.auth import password_validation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from ancrage.core.validators import validate_phone
from ancrage.organisations.models import Membership, Organisation, OrganisationKind, Role, User
from ancrage.organisations.services import normalise_email, siret_taken, user_for_email
from ancrage.territory.models import Commune


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label=_("Rechercher (nom, sigle ou SIRET)"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Type d'organisation"),
        required=False,
        choices=[("", _("Tous les types")), *OrganisationKind.choices],
    )


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Rechercher (nom ou adresse électronique)"), required=False, max_length=100)


class SiretField(forms.CharField):
    """Accepts "130 025 265 00013": spaces are removed before the model's validators run."""

    def to_python(self, value):
        return "".join(str(super().to_python(value)).split())


def _is_one(value: str) -> bool:
    return value == "1"


class UserActiveForm(forms.Form):
    """The activate/deactivate buttons of the account list."""

    is_active = forms.TypedChoiceField(choices=[("1", _("Réactiver")), ("0", _("Désactiver"))], coerce=_is_one)


class OrganisationForm(forms.ModelForm):
    """Name, kind, identifiers and contact of an organisation, and the communes it covers.

    The SIRET is checked by the model field's ``validate_siret`` (format and key) and for uniqueness.
    """

    # The timestamp the editor started from: the service refuses to overwrite a newer change.
    loaded_at = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Organisation
        fields = [
            "name",
            "short_name",
            "kind",
            "siret",
            "email",
            "phone",
            "address",
            "commune",
            "communes",
            "is_active",
        ]
        widgets = {"communes": forms.CheckboxSelectMultiple}
        field_classes = {"siret": SiretField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        communes = Commune.objects.order_by("name")
        self.fields["commune"].queryset = communes
        self.fields["commune"].empty_label = _("— Choisir une commune —")
        self.fields["communes"].queryset = communes
        self.fields["siret"].widget.attrs.pop("maxlength", None)  # spaces are allowed while typing
        self.fields["siret"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        if self.instance.pk and not self.is_bound:
            self.initial["loaded_at"] = self.instance.updated_at.isoformat()

    def clean_siret(self) -> str:
        siret = self.cleaned_data.get("siret") or ""
        if siret_taken(siret, exclude_pk=self.instance.pk):
            raise forms.ValidationError(_("Une organisation avec ce SIRET existe déjà."), code="siret_unique")
        return siret

    def clean_phone(self) -> str:
        phone = self.cleaned_data.get("phone", "")
        validate_phone(phone)
        return phone

    def clean_loaded_at(self):
        value = self.cleaned_data.get("loaded_at")
        return parse_datetime(value) if value else None

    def service_data(self) -> dict:
        """The organisation's own fields, as ``organisation_update`` takes them."""
        fields = ("name", "short_name", "kind", "siret", "email", "phone", "address", "commune", "is_active")
        return {name: self.cleaned_data[name] for name in fields}


class MemberAddForm(forms.Form):
    """Add a colleague: an existing account by e-mail address, or a new account (names required)."""

    email = forms.EmailField(label=_("Adresse électronique"), widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    first_name = forms.CharField(
        label=_("Prénom"),
        required=False,
        max_length=150,
        help_text=_("Seulement si la personne n'a pas encore de compte."),
    )
    last_name = forms.CharField(
        label=_("Nom"),
        required=False,
        max_length=150,
        help_text=_("Seulement si la personne n'a pas encore de compte."),
    )
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices)
    can_access_health = forms.BooleanField(
        label=_("Accès au volet santé"),
        required=False,
        help_text=_("Couverture maladie et orientations en santé, jamais de contenu médical."),
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        self.organisation = organisation
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data["email"])

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("email")
        if not email:
            return cleaned
        user = user_for_email(email)
        if user is None:
            if not cleaned.get("first_name", "").strip():
                self.add_error(
                    "first_name", _("Cette adresse n'a pas encore de compte : indiquez le prénom pour le créer.")
                )
            if not cleaned.get("last_name", "").strip():
                self.add_error(
                    "last_name", _("Cette adresse n'a pas encore de compte : indiquez le nom pour le créer.")
                )
        elif Membership.objects.filter(user=user, organisation=self.organisation).exists():
            self.add_error(
                "email",
                _("Cette personne est déjà membre de l'organisation : modifiez son appartenance dans la liste."),
            )
        return cleaned


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role", "can_access_health", "is_active"]
        labels = {"is_active": _("Appartenance active")}
        help_texts = {"is_active": _("Décochez pour retirer l'accès à cette organisation sans effacer l'historique.")}


class UserCreateForm(forms.Form):
    """A new account. Without a password, the person sets theirs later (password reset)."""

    email = forms.EmailField(label=_("Adresse électronique"), widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False, validators=[validate_phone])
    is_staff = forms.BooleanField(
        label=_("Administrateur de la plateforme"),
        required=False,
        help_text=_("Gère les organisations et les comptes ; ne lit aucun dossier de personne."),
    )
    password1 = forms.CharField(
        label=_("Mot de passe initial"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Facultatif. Laissez vide : la personne choisira son mot de passe."),
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self) -> str:
        email = normalise_email(self.cleaned_data["email"])
        if user_for_email(email) is not None:
            raise forms.ValidationError(
                _("Un compte existe déjà avec cette adresse électronique."), code="email_unique"
            )
        return email

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 or password2:
            if password1 != password2:
                self.add_error("password2", _("Les deux mots de passe ne correspondent pas."))
            else:
                candidate = User(
                    email=cleaned.get("email", ""),
                    first_name=cleaned.get("first_name", ""),
                    last_name=cleaned.get("last_name", ""),
                )
                try:
                    password_validation.validate_password(password1, candidate)
                except forms.ValidationError as error:
                    self.add_error("password1", error)
        return cleaned
