"""Forms coordinators use to keep the contract: the contract and its amendments, fiches action, budget
lines, targets, calls for projects and the applications they receive."""

from decimal import Decimal
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ancrage.directory.models import Service
from ancrage.organisations.models import Organisation
from ancrage.pathways.models import Programme
from ancrage.steering.models import (
    BUDGET_MESSAGES,
    Action,
    ActionStatus,
    Application,
    CallForProjects,
    CoFunder,
    Contract,
    Decision,
    IndicatorDefinition,
    IndicatorKind,
    PriorityAxis,
    Target,
)

from ..forms import DateInput, VersionedFormMixin, dash_empty_choices

AMOUNTS = ("requested", "granted", "committed", "paid")
NEGATIVE = _("Le montant ne peut pas être négatif.")


class AmountField(forms.DecimalField):
    """Euros typed the French way (« 12 500,50 ») or with a dot; never negative."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": _("Saisissez un montant, par exemple 12 500,50."),
                "max_digits": _("Ce montant est trop grand."),
                "max_whole_digits": _("Ce montant est trop grand."),
                "max_decimal_places": _("Deux décimales au plus (les centimes)."),
            },
        )
        super().__init__(**kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        self.localize = False

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
            for space in (" ", "\u00a0", "\u202f"):
                value = value.replace(space, "")
            value = value.replace(",", ".")
            if value.endswith("€"):
                value = value[:-1]
        number = super().to_python(value)
        if number is not None and number < 0:
            raise ValidationError(NEGATIVE, code="min_value")
        return number


def _model_choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    return cast(forms.ModelChoiceField, form.fields[name])


def _choice(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


def _years(contract: Contract) -> list[tuple[int, int]]:
    return [(y, y) for y in contract.years.values_list("year", flat=True)]


# --- the contract --------------------------------------------------------------------------------------


class ContractForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Contract
        fields = ["title", "signed_on", "starts_on", "ends_on", "signatories"]
        widgets = {
            "signed_on": DateInput(),
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "signatories": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "ends_on": _("Fin prévue à la signature ; un avenant peut la repousser."),
            "signatories": _("Par exemple : le préfet, la présidente de la métropole, le maire."),
        }

    def clean(self):
        data = super().clean()
        starts_on = data.get("starts_on")
        if starts_on and self.instance.pk:
            first_action = self.instance.actions.filter(starts_on__isnull=False).order_by("starts_on").first()
            if first_action is not None and first_action.starts_on < starts_on:
                self.add_error(
                    "starts_on",
                    _("La fiche action « %(title)s » commence avant cette date.") % {"title": first_action.title},
                )
        return data


class ContractCreateForm(forms.ModelForm):
    """A new contract: its territory and period; the five axes of the Rennes contract come by default."""

    class Meta:
        model = Contract
        fields = ["territory", "title", "signed_on", "starts_on", "ends_on", "signatories"]
        widgets = ContractForm.Meta.widgets
        help_texts = ContractForm.Meta.help_texts


class AmendmentForm(forms.Form):
    number = forms.IntegerField(label=_("Numéro de l'avenant"), min_value=1, max_value=999)
    signed_on = forms.DateField(label=_("Signé le"), widget=DateInput())
    summary = forms.CharField(
        label=_("Objet"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    new_end_on = forms.DateField(
        label=_("Nouvelle fin du contrat"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "Seulement si l'avenant prolonge ou avance la fin du contrat ; les années manquantes sont ouvertes."
        ),
    )

    def __init__(self, *args, contract: Contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.contract = contract

    def clean_number(self):
        number = self.cleaned_data["number"]
        if self.contract.amendments.filter(number=number).exists():
            raise ValidationError(_("Un avenant porte déjà ce numéro."))
        return number

    def clean_new_end_on(self):
        new_end_on = self.cleaned_data.get("new_end_on")
        if new_end_on and new_end_on <= self.contract.starts_on:
            raise ValidationError(_("La nouvelle fin doit être postérieure au début du contrat."))
        return new_end_on


# --- fiches action -------------------------------------------------------------------------------------


class ServiceChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.structure.name} — {obj.name}"


class ActionForm(VersionedFormMixin, forms.ModelForm):
    programmes = forms.MultipleChoiceField(
        label=_("Programmes d'accompagnement"),
        required=False,
        choices=Programme.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Les parcours de ces programmes menés par la structure porteuse comptent comme participations."),
    )
    services = ServiceChoiceField(
        label=_("Services de l'annuaire"),
        required=False,
        queryset=Service.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
        error_messages={
            "invalid_choice": _("Ce service n'appartient pas à une structure de la structure porteuse."),
        },
    )

    class Meta:
        model = Action
        fields = [
            "axis",
            "title",
            "carrier",
            "carrier_siret",
            "description",
            "objectives",
            "starts_on",
            "ends_on",
            "status",
            "programmes",
            "services",
        ]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 5}),
            "objectives": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"carrier_siret": _("14 chiffres. Laissé vide, celui de la structure porteuse est repris.")}

    def __init__(self, *args, contract: Contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.contract = contract
        if not self.instance.pk:
            del self.fields["version"]
        _model_choice(self, "axis").queryset = contract.axes.all()
        carriers = Organisation.objects.filter(is_active=True)
        if self.instance.carrier_id:
            carriers = Organisation.objects.filter(
                pk__in=[*carriers.values_list("pk", flat=True), self.instance.carrier_id]
            )
        _model_choice(self, "carrier").queryset = carriers.order_by("name")
        _choice(self, "status").choices = ActionStatus.choices
        carrier_id = self._carrier_id()
        services = Service.objects.none()
        if carrier_id:
            services = (
                Service.objects.filter(structure__organisation_id=carrier_id)
                .select_related("structure")
                .order_by("structure__name", "name")
            )
            self.fields["services"].help_text = _(
                "Les orientations acceptées vers ces services comptent comme participations. Maintenez Ctrl (ou Cmd) "
                "pour en choisir plusieurs."
            )
        else:
            self.fields["services"].help_text = _(
                "Choisissez d'abord la structure porteuse et enregistrez : ses services de l'annuaire seront proposés."
            )
        _model_choice(self, "services").queryset = services
        if not self.is_bound and self.instance.pk:
            self.initial["programmes"] = list(self.instance.programmes or [])
        dash_empty_choices(self)

    def _carrier_id(self) -> int | None:
        if self.is_bound:
            value = self.data.get(self.add_prefix("carrier"), "")
            return int(value) if str(value).isdigit() else None
        return self.instance.carrier_id

    def clean_carrier_siret(self):
        return (self.cleaned_data.get("carrier_siret") or "").replace(" ", "")

    def clean(self):
        data = super().clean()
        contract = self.contract
        end = contract.effective_ends_on
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and not (contract.starts_on <= starts_on <= end):
            self.add_error("starts_on", _("L'action doit commencer pendant le contrat."))
        if ends_on and not (contract.starts_on <= ends_on <= end):
            self.add_error(
                "ends_on",
                _("L'action doit finir pendant le contrat (au plus tard le %(date)s).")
                % {"date": end.strftime("%d/%m/%Y")},
            )
        return data


class ActionSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Recherche"), required=False, max_length=100, help_text=_("Intitulé ou structure porteuse.")
    )
    axis: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Axe"), required=False, queryset=PriorityAxis.objects.none(), empty_label=_("Tous")
    )
    status = forms.ChoiceField(label=_("État"), required=False, choices=[("", _("Tous")), *ActionStatus.choices])

    def __init__(self, *args, contract: Contract, **kwargs):
        super().__init__(*args, **kwargs)
        _model_choice(self, "axis").queryset = contract.axes.all()


# --- budget lines ------------------------------------------------------------------------------------------


class BudgetRowForm(forms.Form):
    """One co-funder's money for one year. A new row left empty is ignored."""

    line_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    year = forms.TypedChoiceField(label=_("Année"), coerce=int, choices=())
    co_funder = forms.ChoiceField(label=_("Financeur"), choices=CoFunder.choices)
    requested = AmountField(label=_("Demandé (€)"), required=False)
    granted = AmountField(label=_("Accordé (€)"), required=False)
    committed = AmountField(label=_("Engagé (€)"), required=False)
    paid = AmountField(label=_("Versé (€)"), required=False)

    def __init__(self, *args, contract: Contract, years: list[tuple[int, int]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        _choice(self, "year").choices = [("", "—"), *(years if years is not None else _years(contract))]
        _choice(self, "co_funder").choices = [("", "—"), *CoFunder.choices]

    @property
    def is_existing(self) -> bool:
        value = self.initial.get("line_id") or (self.data.get(self.add_prefix("line_id")) if self.is_bound else None)
        return bool(value)

    def is_blank(self) -> bool:
        """A new row where nothing was typed."""
        if not self.is_bound or self.is_existing:
            return False
        names = ("year", "co_funder", *AMOUNTS)
        return not any(str(self.data.get(self.add_prefix(name), "")).strip() for name in names)

    def full_clean(self):
        if self.is_bound and self.is_blank():
            self._errors = forms.utils.ErrorDict()
            self.cleaned_data = {"blank": True}
            return
        super().full_clean()

    def clean(self):
        data = super().clean()
        if any(name in self.errors for name in AMOUNTS):
            return data
        values = {name: data.get(name) or Decimal("0") for name in AMOUNTS}
        for field, bound in (("granted", "requested"), ("committed", "granted"), ("paid", "committed")):
            if values[field] > values[bound]:
                self.add_error(field, BUDGET_MESSAGES[field])
        data.update(values)
        return data


class BaseBudgetFormSet(forms.BaseFormSet):
    def clean(self):
        seen: set[tuple[int, str]] = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("blank") or form.errors:
                continue
            key = (data.get("year"), data.get("co_funder"))
            if key in seen:
                form.add_error("co_funder", _("Ce financeur a déjà une ligne pour cette année."))
            seen.add(key)


BudgetFormSet = forms.formset_factory(BudgetRowForm, formset=BaseBudgetFormSet, extra=0, max_num=200)


# --- targets -----------------------------------------------------------------------------------------------


class TargetForm(forms.ModelForm):
    value = AmountField(label=_("Cible"))

    class Meta:
        model = Target
        fields = ["indicator", "year", "value"]

    def __init__(self, *args, contract: Contract, **kwargs):
        super().__init__(*args, **kwargs)
        indicators = IndicatorDefinition.objects.filter(is_active=True).exclude(kind=IndicatorKind.BUDGET_SUM)
        if self.instance.pk and self.instance.indicator_id:
            indicators = IndicatorDefinition.objects.filter(
                pk__in=[*indicators.values_list("pk", flat=True), self.instance.indicator_id]
            )
        _model_choice(self, "indicator").queryset = indicators.order_by("position", "code")
        self.fields["year"] = forms.TypedChoiceField(
            label=_("Année"), coerce=int, choices=[("", "—"), *_years(contract)]
        )
        dash_empty_choices(self)


TargetFormSet = forms.inlineformset_factory(
    Action, Target, form=TargetForm, fields=["indicator", "year", "value"], extra=3, can_delete=True, max_num=300
)


# --- calls for projects ----------------------------------------------------------------------------------


class CallForm(forms.ModelForm):
    class Meta:
        model = CallForProjects
        fields = ["year", "title", "opens_on", "closes_on"]
        widgets = {"opens_on": DateInput(), "closes_on": DateInput()}

    def __init__(self, *args, contract: Contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"] = forms.TypedChoiceField(
            label=_("Année"), coerce=int, choices=[("", "—"), *_years(contract)]
        )


class ApplicationForm(forms.ModelForm):
    requested_amount = AmountField(label=_("Montant demandé (€)"), required=False)

    class Meta:
        model = Application
        fields = ["organisation", "title", "requested_amount", "received_on"]
        widgets = {"received_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _model_choice(self, "organisation").queryset = Organisation.objects.filter(is_active=True).order_by("name")
        dash_empty_choices(self)

    def clean_requested_amount(self):
        return self.cleaned_data.get("requested_amount") or Decimal("0")


class DecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=[(Decision.SELECTED, _("Retenu")), (Decision.REJECTED, _("Non retenu"))],
        widget=forms.RadioSelect,
    )
    decided_on = forms.DateField(label=_("Décidé le"), widget=DateInput())
    axis: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Axe de la fiche action"),
        required=False,
        queryset=PriorityAxis.objects.none(),
        help_text=_("Obligatoire si le projet est retenu : sa fiche action est créée sous cet axe."),
    )

    def __init__(self, *args, contract: Contract, **kwargs):
        super().__init__(*args, **kwargs)
        _model_choice(self, "axis").queryset = contract.axes.all()
        dash_empty_choices(self)

    def clean(self):
        data = super().clean()
        if data.get("decision") == Decision.SELECTED and not data.get("axis"):
            self.add_error("axis", _("Choisissez un axe du contrat pour la fiche action."))
        return data
