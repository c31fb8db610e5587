from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ancrage.organisations.models import Organisation
from ancrage.pathways.models import DiagnosticItem, ExitReason, Objective, Pathway, PlanAction, Programme

from ..forms import DateInput, VersionedFormMixin
from ..persons.forms import referents_of


class PathwayCreateForm(forms.Form):
    programme = forms.ChoiceField(label=_("Programme"), choices=Programme.choices)
    entry_date = forms.DateField(label=_("Date d'entrée"), widget=DateInput())
    referent = forms.ModelChoiceField(label=_("Référent"), queryset=None, required=False)
    oriented_by = forms.CharField(label=_("Orienté par"), max_length=150, required=False)

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referent"].queryset = referents_of(organisation)
        self.fields["entry_date"].initial = timezone.localdate()

    def clean_entry_date(self):
        entry = self.cleaned_data["entry_date"]
        if entry > timezone.localdate():
            raise ValidationError(_("La date d'entrée ne peut pas être dans le futur."))
        return entry


class PathwayEditForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Pathway
        fields = ["referent", "oriented_by", "entry_date", "first_interview_on", "commitment_signed_on"]
        widgets = {
            "entry_date": DateInput(),
            "first_interview_on": DateInput(),
            "commitment_signed_on": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referent"].queryset = referents_of(self.instance.operator)

    def clean_first_interview_on(self):
        day = self.cleaned_data.get("first_interview_on")
        if day and day > timezone.localdate():
            raise ValidationError(_("Le premier entretien ne peut pas être daté dans le futur."))
        return day

    def clean_commitment_signed_on(self):
        day = self.cleaned_data.get("commitment_signed_on")
        if day and day > timezone.localdate():
            raise ValidationError(_("La date de signature du contrat d'engagement ne peut pas être dans le futur."))
        return day


class TransitionForm(forms.Form):
    name = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Commentaire (facultatif)"), max_length=500, required=False)
    exit_date = forms.DateField(label=_("Date de sortie"), required=False, widget=DateInput())
    exit_reason = forms.ChoiceField(
        label=_("Motif de sortie"), required=False, choices=[("", "—"), *ExitReason.choices]
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("name") == "exit":
            if not cleaned.get("exit_date"):
                self.add_error("exit_date", _("Indiquez la date de sortie."))
            if not cleaned.get("exit_reason"):
                self.add_error("exit_reason", _("Indiquez le motif de sortie."))
        return cleaned


class DiagnosticItemForm(forms.ModelForm):
    class Meta:
        model = DiagnosticItem
        fields = ["situation", "need_level", "assessed_on"]
        widgets = {"assessed_on": DateInput(), "situation": forms.Textarea(attrs={"rows": 3})}


class ObjectiveForm(forms.ModelForm):
    class Meta:
        model = Objective
        fields = ["theme", "title", "status"]


class PlanActionForm(forms.ModelForm):
    class Meta:
        model = PlanAction
        fields = ["title", "due_date", "status"]
        widgets = {"due_date": DateInput()}
