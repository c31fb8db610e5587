from django import forms
from django.utils.translation import gettext_lazy as _

from ancrage.access.models import Consent
from ancrage.access.sections import Section
from ancrage.directory.models import Service
from ancrage.referrals.models import RefusalReason


class ReferralForm(forms.Form):
    service = forms.ModelChoiceField(label=_("Service"), queryset=Service.objects.none())
    reason = forms.CharField(
        label=_("Motif de l'orientation"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Ce que vous attendez du partenaire. Jamais le récit d'asile."),
    )
    sections = forms.MultipleChoiceField(
        label=_("Rubriques partagées en plus de l'identité"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Le strict nécessaire : le partenaire ne verra que ces rubriques, tant que l'orientation est ouverte."
        ),
    )
    consent = forms.ModelChoiceField(
        label=_("Consentement qui couvre ce partage"),
        queryset=Consent.objects.none(),
        empty_label=_("— aucun —"),
        required=False,
    )

    def __init__(self, *args, person, can_share_health: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = (
            Service.objects.filter(is_active=True).select_related("structure").order_by("structure__name", "name")
        )
        self.fields["service"].label_from_instance = lambda s: f"{s.structure.name} — {s.name}"
        self.fields["sections"].choices = [
            (code, label)
            for code, label in Section.choices
            if code != Section.IDENTITY and (code != Section.HEALTH or can_share_health)
        ]
        self.fields["consent"].queryset = (
            Consent.objects.in_force().filter(person=person).prefetch_related("recipients")
        )
        self.fields["consent"].label_from_instance = lambda c: (
            f"{c.purpose} — {', '.join(r.display_name for r in c.recipients.all())} ({c.given_on:%d/%m/%Y})"
        )


class RefuseForm(forms.Form):
    refusal_reason = forms.ModelChoiceField(
        label=_("Motif du refus"), queryset=RefusalReason.objects.filter(is_active=True), empty_label="—"
    )
    reason = forms.CharField(
        label=_("Précisions"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class CommentForm(forms.Form):
    reason = forms.CharField(
        label=_("Commentaire (facultatif)"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class LinkAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Votre réponse"),
        widget=forms.RadioSelect,
        choices=[("accept", _("J'accepte cette orientation")), ("refuse", _("Je refuse cette orientation"))],
    )
    refusal_reason = forms.ModelChoiceField(
        label=_("Motif du refus"),
        queryset=RefusalReason.objects.filter(is_active=True),
        required=False,
        empty_label="—",
    )
    comment = forms.CharField(
        label=_("Commentaire (facultatif)"), max_length=800, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("answer") == "refuse" and not cleaned.get("refusal_reason"):
            self.add_error("refusal_reason", _("Choisissez le motif du refus."))
        return cleaned
