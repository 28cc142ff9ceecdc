"""The dashboard's choice of period and scope."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from chidao.core import clock
from chidao.core.widgets import ANY_CHOICE, QuickSelect
from chidao.directives import date_rules, filter_choices
from chidao.directives.filter_choices import OFFICE_KINDS
from chidao.directives.forms import DATE, StepForm
from chidao.org import permissions
from chidao.org.models import SectorBlock, Unit
from chidao.reports import periods


def _period(data) -> periods.Period | None:
    """The period a query names (``period=month-2026-11``), if it names one."""
    try:
        return periods.parse(data.get("period", "")) if data else None
    except ValueError:
        return None


class ScopeForm(StepForm):
    empty_choice = ANY_CHOICE

    period = forms.ChoiceField(label=_("Period"), required=False)
    start = forms.DateField(label=_("Assigned from"), widget=DATE)
    end = forms.DateField(label=_("Assigned to"), widget=DATE)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    sector_block = forms.ModelChoiceField(
        label=_("Sector block"), queryset=SectorBlock.objects.none(), required=False
    )

    def __init__(self, person, data=None):
        today = clock.today()
        initial = {"start": datetime.date(today.year, 1, 1), "end": today}
        roots = [j.root for j in permissions.jurisdictions(person)]
        if roots:
            initial["unit"] = roots[0].pk
        chosen = _period(data)
        if chosen is not None:
            # A period chosen by its name fills the dates, so the form shows what is counted.
            data = data.copy()
            data["start"], data["end"] = f"{chosen.start:%d/%m/%Y}", f"{chosen.end:%d/%m/%Y}"
        super().__init__(data or None, initial=initial)
        offered = periods.presets(today)
        if chosen is not None and chosen not in offered:
            offered.append(chosen)  # an older period named in a link stays chosen
        self.fields["period"].choices = [("", _("Any range (the dates beside)"))] + [
            (period.key, period.label) for period in offered
        ]
        units = permissions.visible_units(person).filter(is_active=True)
        self.fields["unit"].queryset = units.exclude(kind__in=OFFICE_KINDS).order_by(
            "depth", "sort_order", "sort_key"
        )
        self.fields["sector_block"].queryset = SectorBlock.objects.filter(committee__in=units)
        # A province offers a hundred units and more: their options (and the sector blocks')
        # are built once per scope of people and kept with the task list's
        # (``filter_choices``); the querysets above check what is submitted.
        offer = filter_choices.offered(person)
        for name, choices in (("unit", offer.scope_units), ("sector_block", offer.scope_blocks)):
            field = self.fields[name]
            field.widget = QuickSelect(attrs=field.widget.attrs, choices=choices)

    def clean(self):
        data = super().clean()
        for name in ("start", "end"):
            if data.get(name):
                try:
                    date_rules.check_in_range(data[name], name)
                except ValidationError as error:
                    self.add_error(None, error)  # removes the date from the cleaned data
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end of the range is before its start."))
        return data

    def chosen_period(self) -> periods.Period:
        """The period counted: the one chosen by name, or the range of the dates."""
        values = self.values()
        return _period(self.data) or periods.between(values["start"], values["end"])

    def values(self) -> dict:
        """The scope asked for; with no unit chosen, the person's own (first) committee or unit,
        since what a scope counts depends on its unit (``timeliness.scope_q``)."""
        return self._scope

    @cached_property
    def _scope(self) -> dict:
        def default_unit():
            return self.fields["unit"].queryset.filter(pk=self.initial.get("unit")).first()

        if self.is_bound and self.is_valid():
            return self.cleaned_data | {"unit": self.cleaned_data.get("unit") or default_unit()}
        return {name: self.initial.get(name) for name in ("start", "end")} | {
            "unit": default_unit(),
            "sector_block": None,
        }
