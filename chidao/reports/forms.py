"""The report page's form: which report, of which committee or unit, for which period, in
which format."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from chidao.core import clock
from chidao.directives import date_rules
from chidao.directives.forms import DATE, StepForm
from chidao.org import permissions
from chidao.org.models import Role, Unit, UnitKind
from chidao.reports import periods
from chidao.reports.models import ReportFormat, ReportKind

RANGE = "range"


class ReportForm(StepForm):
    kind = forms.ChoiceField(label=_("Report"), choices=ReportKind.choices)
    unit = forms.ModelChoiceField(
        label=_("Committee or unit"), queryset=Unit.objects.none(),
        help_text=_("The committee for its periodic report and the review; the unit for its "
                    "own report."),
    )  # fmt: skip
    period = forms.ChoiceField(label=_("Period"))
    start = forms.DateField(label=_("From"), required=False, widget=DATE,
                            help_text=_("Only for any range."))  # fmt: skip
    end = forms.DateField(label=_("To"), required=False, widget=DATE)
    format = forms.ChoiceField(label=_("Format"), choices=ReportFormat.choices)

    def __init__(self, person, *args, **kwargs):
        self.person = person
        today = clock.today()
        roots = [j.root for j in permissions.jurisdictions(person)]
        apparatus = any(permissions.may_report_on(person, ReportKind.MONTHLY, j.root)
                        for j in permissions.jurisdictions(person))  # fmt: skip
        initial = {
            "kind": ReportKind.MONTHLY if apparatus or person.is_superuser else ReportKind.UNIT,
            "period": periods.previous(periods.holding("month", today)).key,
            "format": ReportFormat.DOCX,
        }
        if roots:
            initial["unit"] = roots[0].pk
        super().__init__(*args, initial=initial, **kwargs)
        if not (apparatus or person.is_superuser):
            # A unit's people make their unit's report; the committee's are not theirs.
            self.fields["kind"].choices = [(ReportKind.UNIT, ReportKind.UNIT.label)]
        self.fields["unit"].queryset = (
            permissions.visible_units(person)
            .filter(is_active=True)
            .exclude(kind=UnitKind.OFFICE_DIVISION)
            .order_by("depth", "sort_order", "sort_key")
        )
        offered = periods.presets(today)
        self.fields["period"].choices = [(p.key, p.label) for p in offered] + [
            (RANGE, _("Any range (the dates below)"))
        ]

    def clean(self):
        data = super().clean()
        if data.get("period") == RANGE:
            start, end = data.get("start"), data.get("end")
            if not (start and end):
                raise ValidationError(_("Give both dates of the range."))
            for name, day in (("start", start), ("end", end)):
                try:
                    date_rules.check_in_range(day, name)
                except ValidationError as error:
                    self.add_error(name, error)
            if start > end:
                self.add_error("end", _("The end of the range is before its start."))
            data["chosen"] = periods.between(start, end)
        elif data.get("period"):
            data["chosen"] = periods.parse(data["period"])
        kind, unit = data.get("kind"), data.get("unit")
        if kind and unit is not None:
            if kind != ReportKind.UNIT and unit.kind != UnitKind.COMMITTEE:
                self.add_error("unit", _("This report is a committee's: choose a committee."))
            elif not permissions.may_report_on(self.person, kind, unit):
                self.add_error("unit", _("You may not make this report for this unit."))
        return data


class CloseForm(StepForm):
    """Chốt số liệu: a committee the person's Office runs, and a period already over."""

    committee = forms.ModelChoiceField(label=_("Committee"), queryset=Unit.objects.none())
    period = forms.ChoiceField(label=_("Period"))

    def __init__(self, person, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        committees = closable_committees(person)
        self.fields["committee"].queryset = committees
        self.fields["committee"].initial = committees.values_list("pk", flat=True).first()
        today = clock.today()
        over = [p for p in periods.presets(today) if p.is_over(today)]
        self.fields["period"].choices = [(p.key, p.label) for p in over]

    def clean(self):
        data = super().clean()
        if data.get("period"):
            data["chosen"] = periods.parse(data["period"])
        return data


class ReopenForm(StepForm):
    reason = forms.CharField(label=_("Reason for reopening"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


def closable_committees(person):
    """The committees whose periods this person closes (their Office's)."""
    committees = Unit.objects.filter(kind=UnitKind.COMMITTEE, is_active=True)
    if person.is_superuser:
        return committees.order_by("depth", "sort_order", "sort_key")
    ids = [j.root.pk for j in permissions.jurisdictions(person)
           if j.role == Role.OFFICE_LEADER]  # fmt: skip
    return committees.filter(pk__in=ids).order_by("depth", "sort_order", "sort_key")
