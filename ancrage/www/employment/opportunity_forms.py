"""Forms for employers and opportunities (job offers, IAE positions, training sessions)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ancrage.core.enums import CEFRLevel
from ancrage.employment.models import (
    ContractType,
    Employer,
    Opportunity,
    OpportunityKind,
    OpportunityStatus,
)
from ancrage.rome.models import RomeFamily
from ancrage.territory.models import Commune

from ..forms import DateInput, VersionedFormMixin, dash_empty_choices
from .rome_field import AppellationField


class OpportunitySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Recherche"),
        required=False,
        max_length=100,
        help_text=_("Intitulé, métier ou employeur."),
    )
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("Tous")), *OpportunityKind.choices])
    contract_type = forms.ChoiceField(
        label=_("Contrat"), required=False, choices=[("", _("Tous")), *ContractType.choices]
    )
    commune = forms.ModelChoiceField(
        label=_("Commune"), required=False, queryset=Commune.objects.all(), empty_label=_("Toutes")
    )
    status = forms.ChoiceField(
        label=_("État"),
        required=False,
        choices=[("", _("Tous")), *OpportunityStatus.choices],
    )
    family = forms.ChoiceField(
        label=_("Grand domaine (ROME)"), required=False, choices=[("", _("Tous")), *RomeFamily.choices]
    )


class EmployerSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Recherche"), required=False, max_length=100, help_text=_("Raison sociale, SIRET ou secteur.")
    )


class EmployerForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Employer
        fields = [
            "name",
            "siret",
            "sector",
            "commune",
            "address",
            "contact_name",
            "contact_email",
            "contact_phone",
            "commitments",
            "is_active",
        ]
        widgets = {"commitments": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"siret": _("14 chiffres, sans espace.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            del self.fields["version"]
        self.fields["commune"].queryset = Commune.objects.all()
        dash_empty_choices(self)

    def clean_siret(self):
        return (self.cleaned_data.get("siret") or "").replace(" ", "")


class OpportunityForm(VersionedFormMixin, forms.ModelForm):
    appellation = AppellationField(label=_("Métier (ROME)"), required=False)
    min_french_level = forms.ChoiceField(
        label=_("Niveau de français minimum (CECRL)"), required=False, choices=[("", _("Aucun")), *CEFRLevel.choices]
    )

    class Meta:
        model = Opportunity
        fields = [
            "kind",
            "title",
            "employer",
            "appellation",
            "contract_type",
            "training_type",
            "hours_per_week",
            "commune",
            "start_date",
            "end_date",
            "min_french_level",
            "licence_required",
            "seats",
            "prerequisites",
            "description",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "prerequisites": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "contract_type": _("Obligatoire pour une offre d'emploi ou un poste en insertion."),
            "training_type": _("Obligatoire pour une session de formation."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            del self.fields["version"]
        self.fields["employer"].queryset = Employer.objects.filter(is_active=True).order_by("name")
        self.fields["commune"].queryset = Commune.objects.all()
        self.fields["appellation"].help_text = _(
            "Obligatoire pour une offre d'emploi ou un poste en insertion. Tapez quelques lettres puis choisissez "
            "dans la liste, ex. « cariste »."
        )
        dash_empty_choices(self)

    def _post_clean(self):
        # The model's checks run in the service, which names every missing field in French.
        opts = self._meta
        try:
            self.instance = forms.models.construct_instance(self, self.instance, opts.fields, opts.exclude)
        except forms.ValidationError as error:
            self._update_errors(error)
