"""Forms of the socio-professional profile, its items, and the CV."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ancrage.employment.models import (
    Diploma,
    EmploymentProfile,
    LicenceStatus,
    MobilityMeans,
    RecognitionStatus,
    WorkExperience,
)
from ancrage.persons.models import nationality_choices

from ..forms import DateInput, VersionedFormMixin, dash_empty_choices
from .rome_field import AppellationField


def country_choices() -> list[tuple[str, str]]:
    return [("", "—"), *[c for c in nationality_choices() if c[0] not in ("XXA", "XXX")]]


class ProfileForm(VersionedFormMixin, forms.ModelForm):
    mobility_means = forms.MultipleChoiceField(
        label=_("Moyens de déplacement"),
        required=False,
        choices=MobilityMeans.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choisissez les moyens de déplacement dans la liste.")},
    )

    class Meta:
        model = EmploymentProfile
        fields = [
            "schooling_years",
            "literacy",
            "licence_status",
            "licence_country",
            "licence_first_receipt_on",
            "mobility_radius_km",
            "mobility_means",
            "availability",
            "available_from",
            "childcare_constraint",
            "health_constraint",
            "no_night_or_weekend",
            "france_travail_registered_on",
            "france_travail_id",
            "rsa",
        ]
        widgets = {
            "licence_first_receipt_on": DateInput(),
            "available_from": DateInput(),
            "france_travail_registered_on": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["licence_country"] = forms.ChoiceField(
            label=_("Pays de délivrance du permis"), required=False, choices=country_choices()
        )
        if not self.instance.pk and not self.is_bound:
            self.initial["version"] = 1
        if not self.instance.pk:
            # A new profile has no version to compare with yet.
            self.fields["version"].required = False
        dash_empty_choices(self)

    def clean_licence_first_receipt_on(self):
        day = self.cleaned_data.get("licence_first_receipt_on")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("La date du premier récépissé ne peut pas être dans le futur."))
        return day

    def clean_france_travail_registered_on(self):
        day = self.cleaned_data.get("france_travail_registered_on")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("La date d'inscription ne peut pas être dans le futur."))
        return day

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("licence_status")
        if status in {LicenceStatus.TO_EXCHANGE, LicenceStatus.REQUESTED} and not cleaned.get("licence_country"):
            self.add_error("licence_country", _("Indiquez le pays qui a délivré le permis."))
        return cleaned


class DiplomaForm(forms.ModelForm):
    class Meta:
        model = Diploma
        fields = [
            "title",
            "country",
            "level",
            "field",
            "year",
            "recognition_status",
            "recognition_requested_on",
            "recognition_outcome",
        ]
        widgets = {"recognition_requested_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"] = forms.ChoiceField(label=_("Pays"), choices=country_choices())
        dash_empty_choices(self)

    def clean_year(self):
        year = self.cleaned_data.get("year")
        if year and year > timezone.localdate().year:
            raise forms.ValidationError(_("L'année d'obtention ne peut pas être dans le futur."))
        return year

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("recognition_status")
        requested = cleaned.get("recognition_requested_on")
        if status and status != RecognitionStatus.NOT_REQUESTED and not requested:
            self.add_error("recognition_requested_on", _("Indiquez la date de la demande de reconnaissance."))
        if requested and requested > timezone.localdate():
            self.add_error("recognition_requested_on", _("La date de la demande ne peut pas être dans le futur."))
        return cleaned

    def validate_constraints(self, exclude=None):
        # The form already said it in French on the right field; do not repeat it on top.
        pass


class ExperienceForm(forms.ModelForm):
    appellation = AppellationField(label=_("Métier exercé"))
    years = forms.DecimalField(
        label=_("Années d'expérience"),
        max_digits=3,
        decimal_places=1,
        error_messages={
            "invalid": _("Indiquez un nombre d'années, par exemple 2 ou 1,5."),
            "max_digits": _("Le nombre d'années doit être compris entre 0 et 60."),
            "max_decimal_places": _("Une décimale au plus, par exemple 1,5."),
            "max_whole_digits": _("Le nombre d'années doit être compris entre 0 et 60."),
        },
    )

    class Meta:
        model = WorkExperience
        fields = ["appellation", "country", "years", "employer_name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"] = forms.ChoiceField(label=_("Pays"), choices=country_choices())

    def clean_years(self):
        years = self.cleaned_data.get("years")
        if years is not None and not (Decimal(0) <= years <= Decimal(60)):
            raise forms.ValidationError(_("Le nombre d'années doit être compris entre 0 et 60."))
        return years


class TargetForm(forms.Form):
    appellation = AppellationField(label=_("Métier visé"))


class CVForm(forms.Form):
    """What the CV says: prefilled from the record, edited by the référent, never stored."""

    full_name = forms.CharField(label=_("Prénom et nom"), max_length=200)
    title = forms.CharField(label=_("Titre (métier recherché)"), max_length=200)
    summary = forms.CharField(
        label=_("Présentation courte"), max_length=600, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    experiences = forms.CharField(
        label=_("Expériences professionnelles"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Une expérience par ligne."),
    )
    diplomas = forms.CharField(
        label=_("Diplômes et formations"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Un diplôme par ligne."),
    )
    languages = forms.CharField(
        label=_("Langues"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Une langue par ligne."),
    )
    driving_licence = forms.CharField(label=_("Permis de conduire"), max_length=200, required=False)
    skills = forms.CharField(
        label=_("Compétences et qualités"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Une compétence par ligne."),
    )
    commune = forms.CharField(label=_("Commune"), max_length=150, required=False)
    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)
    email = forms.EmailField(
        label=_("Courriel"),
        required=False,
        error_messages={"invalid": _("Saisissez une adresse électronique valide, par exemple nom@exemple.fr.")},
    )
