"""The dashboard's choice of period and scope."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from chidao.core import clock
from chidao.directives.forms import DATE, StepForm
from chidao.org import permissions
from chidao.org.models import SectorBlock, Unit


class ScopeForm(StepForm):
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
        super().__init__(data or None, initial=initial)
        units = permissions.visible_units(person).filter(is_active=True)
        self.fields["unit"].queryset = units.exclude(
            kind__in=["office", "office_division"]
        ).order_by("depth", "sort_order", "sort_key")
        self.fields["sector_block"].queryset = SectorBlock.objects.filter(committee__in=units)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end of the range is before its start."))
        return data

    def values(self) -> dict:
        if self.is_bound and self.is_valid():
            return self.cleaned_data
        return {name: self.initial.get(name) for name in ("start", "end")} | {
            "unit": self.fields["unit"].queryset.filter(pk=self.initial.get("unit")).first(),
            "sector_block": None,
        }
