from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from ancrage.access.models import Consent
from ancrage.directory.models import Service
from ancrage.referrals.attachments import check_upload
from ancrage.referrals.models import RefusalReason
from ancrage.www.persons.forms import section_choices


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files in one input; each is size- and type-checked by the referral attachments rules."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(files) > settings.REFERRAL_ATTACHMENTS_MAX:
            raise forms.ValidationError(
                _("%(max)s fichiers au plus par orientation.") % {"max": settings.REFERRAL_ATTACHMENTS_MAX}
            )
        errors = []
        for upload in files:
            try:
                check_upload(upload)
            except forms.ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise forms.ValidationError(errors)
        return list(files)


def attachments_help() -> str:
    return _("PDF, JPEG ou PNG, %(size)s au plus par fichier ; %(max)s fichiers au plus.") % {
        "size": filesizeformat(settings.REFERRAL_ATTACHMENT_MAX_BYTES),
        "max": settings.REFERRAL_ATTACHMENTS_MAX,
    }


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
    attachments = AttachmentsField(label=_("Pièces jointes (facultatif)"), required=False)

    def __init__(self, *args, person, can_share_health: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachments_help()
        self.fields["service"].queryset = (
            Service.objects.filter(is_active=True).select_related("structure").order_by("structure__name", "name")
        )
        self.fields["service"].label_from_instance = lambda s: f"{s.structure.name} — {s.name}"
        self.fields["sections"].choices = section_choices(can_share_health=can_share_health)
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


class AttachmentForm(forms.Form):
    files = AttachmentsField(label=_("Ajouter des pièces jointes"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = attachments_help()
