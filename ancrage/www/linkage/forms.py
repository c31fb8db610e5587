from django import forms
from django.utils.translation import gettext_lazy as _

from ancrage.linkage.models import CandidateStatus


class QueueFilterForm(forms.Form):
    etat = forms.ChoiceField(
        label=_("Paires"),
        required=False,
        choices=[("pending", _("À examiner")), ("decided", _("Déjà examinées"))],
    )
    q = forms.CharField(label=_("Nom ou prénom"), required=False, max_length=100)


class DecisionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Votre décision"),
        choices=[
            (CandidateStatus.SAME, _("Même personne")),
            (CandidateStatus.DIFFERENT, _("Personnes différentes")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Motif"),
        max_length=255,
        help_text=_("Par exemple : même numéro AGDREF, même date de naissance et même famille."),
    )
    # The decision the reviewer saw: a colleague's decision since then is not silently overwritten.
    seen_status = forms.ChoiceField(choices=CandidateStatus.choices, widget=forms.HiddenInput)


class MergeForm(forms.Form):
    kept = forms.TypedChoiceField(label=_("Dossier conservé"), coerce=int, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Motif (facultatif)"), max_length=255, required=False)

    def __init__(self, *args, choices: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kept"].choices = choices


class UndoForm(forms.Form):
    confirm = forms.BooleanField(label=_("Je confirme l'annulation de cette fusion"))
