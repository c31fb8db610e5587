"""Forms for placements: one per transition, and the follow-up."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ancrage.employment.models import ContractType, NotRetainedReason

from ..forms import DateInput


class CommentForm(forms.Form):
    reason = forms.CharField(
        label=_("Commentaire (facultatif)"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class InterviewForm(forms.Form):
    interview_on = forms.DateField(label=_("Date de l'entretien"), widget=DateInput())
    reason = forms.CharField(label=_("Commentaire (facultatif)"), max_length=500, required=False)


class HireForm(forms.Form):
    contract_type = forms.ChoiceField(label=_("Contrat"), choices=[("", "—"), *ContractType.choices])
    contract_start = forms.DateField(label=_("Début du contrat ou de la formation"), widget=DateInput())
    contract_end = forms.DateField(label=_("Fin (facultatif)"), required=False, widget=DateInput())
    hours_per_week = forms.DecimalField(
        label=_("Heures par semaine (facultatif)"), required=False, max_digits=4, decimal_places=1
    )


class NotRetainedForm(forms.Form):
    not_retained_reason = forms.ChoiceField(label=_("Motif"), choices=[("", "—"), *NotRetainedReason.choices])
    not_retained_detail = forms.CharField(label=_("Précisions (facultatif)"), max_length=500, required=False)


TRANSITION_FORMS = {
    "schedule_interview": InterviewForm,
    "hire": HireForm,
    "not_retained": NotRetainedForm,
    "withdraw": CommentForm,
}


def transition_form(name: str, data=None, initial=None) -> forms.Form:
    """One form per action on the page; the prefix keeps field ids unique."""
    return TRANSITION_FORMS[name](data, prefix=name, initial=initial)


class FollowUpForm(forms.Form):
    done_on = forms.DateField(label=_("Date du suivi"), widget=DateInput())
    still_in_post = forms.TypedChoiceField(
        label=_("La personne est-elle toujours en poste ou en formation ?"),
        choices=[("yes", _("Oui")), ("no", _("Non"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Commentaire (facultatif)"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
