"""One small form per workflow step (the task page shows exactly those the person may take)."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chidao.core.params import ModelIdsField
from chidao.core.widgets import (
    CHOOSE_CHOICE,
    DJANGO_EMPTY_LABEL,
    quick_model_select,
    quicken,
)
from chidao.directives.models import Cause, CooperationStatus, DeadlineKind, Priority

# Typed as dd/mm/yyyy whatever the browser's own locale (a native date field follows the
# operating system's, which on many office machines is English).
DATE = forms.DateInput(
    format="%d/%m/%Y",
    attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"},
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked by content in the action, not here."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


def _text(label, rows=3, required=True):
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


class StepForm(forms.Form):
    """Bootstrap classes on every widget; a select's empty choice in words (``empty_choice``:
    a filter form says "all")."""

    empty_choice = CHOOSE_CHOICE

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if getattr(field, "empty_label", None) == DJANGO_EMPTY_LABEL:
                field.empty_label = self.empty_choice
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")
            quicken(field)  # a page shows many of these forms: written in Python


class EmptyForm(StepForm):
    pass


class NoteForm(StepForm):
    note = _text(_("Note"), rows=2, required=False)


class ReasonForm(StepForm):
    reason = _text(_("Reason"), rows=2)


class TextForm(StepForm):
    text = _text(_("Content"))


class UrgeForm(StepForm):
    """Đôn đốc: a short message to the lead unit (the action checks it again)."""

    message = forms.CharField(
        label=_("Message to the lead unit"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class UrgeOverdueForm(StepForm):
    """Đôn đốc all open overdue tasks of one lead unit at once (from the filtered task list)."""

    unit = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)
    message = forms.CharField(
        label=_("Message to the lead unit"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, units, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class ProgressForm(StepForm):
    text = _text(_("Progress"))
    percent = forms.IntegerField(
        label=_("Percent done"), min_value=0, max_value=100, required=False
    )
    files = MultipleFileField(label=_("Files"))


class ReportForm(StepForm):
    result = _text(_("Result"))
    product_number = forms.CharField(label=_("Product document number"), required=False)
    product_date = forms.DateField(label=_("Product document date"), required=False, widget=DATE)
    files = MultipleFileField(label=_("Files"))
    cause = forms.ChoiceField(
        label=_("Cause of the delay"), choices=[("", "—"), *Cause.choices], required=False
    )
    explanation = _text(_("Explanation"), rows=2, required=False)
    remedy = _text(_("Remedy"), rows=2, required=False)

    def late_explanation(self) -> dict:
        data = self.cleaned_data
        return {key: data.get(key) for key in ("cause", "explanation", "remedy")}


class ExtensionRequestForm(StepForm):
    proposed_date = forms.DateField(label=_("Proposed deadline"), widget=DATE)
    reason = _text(_("Reason"), rows=2)


class ExtensionDecisionForm(StepForm):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Approve")), ("no", _("Reject"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    date = forms.DateField(label=_("Approved deadline"), required=False, widget=DATE)
    note = _text(_("Note"), rows=2, required=False)


class GuidanceForm(StepForm):
    guidance = _text(_("Guidance"))


class CooperationForm(StepForm):
    status = forms.ChoiceField(label=_("Our share"), choices=CooperationStatus.choices)
    note = _text(_("Note"), rows=2, required=False)


class SubassignForm(StepForm):
    lead_unit = forms.ModelChoiceField(label=_("Lower unit"), queryset=None)
    content = _text(_("Part of the task"))
    deadline_date = forms.DateField(label=_("Deadline"), widget=DATE)

    def __init__(self, *args, targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = targets


class CorrectionForm(StepForm):
    """Đính chính: the task's fields as they stand, to correct what was entered by mistake, and
    the reason (required). ``changes()`` gives only what was changed; the action checks it all
    again. Confidentiality is the directive's: offered to those who may correct the directive."""

    content = forms.CharField(label=_("Task"), widget=forms.Textarea(attrs={"rows": 3}))
    lead_unit = forms.ModelChoiceField(label=_("Lead unit"), queryset=None)
    cooperating_units = ModelIdsField(label=_("Cooperating units"), queryset=None, required=False)
    deadline = forms.DateField(
        label=_("Deadline"),
        required=False,
        widget=DATE,
        help_text=_(
            "An entry error only: the original deadline is corrected too. A new deadline the "
            "unit needs is an extension."
        ),
    )
    directing_leader = forms.ModelChoiceField(
        label=_("Directing leader"), queryset=None, required=False
    )
    specialist = forms.ModelChoiceField(
        label=_("Tracking specialist"), queryset=None, required=False
    )
    sector_block = forms.ModelChoiceField(label=_("Sector block"), queryset=None, required=False)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    product = forms.CharField(label=_("Expected product"), max_length=200, required=False)
    product_is_committee_document = forms.BooleanField(
        label=_("the product is a document of the committee"), required=False
    )
    is_confidential = forms.BooleanField(
        label=_("Confidential (the whole directive)"), required=False
    )
    reason = forms.CharField(
        label=_("Reason for the correction"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, task, person=None, **kwargs):
        from chidao.directives.issue_forms import directed_units, leaders_of
        from chidao.org.models import Person, SectorBlock, Unit
        from chidao.org.permissions import Action, can

        cooperating = [c.unit_id for c in task.cooperations.all()]
        kwargs["initial"] = {
            "content": task.content,
            "lead_unit": task.lead_unit_id,
            "cooperating_units": cooperating,
            "deadline": task.deadline,
            "directing_leader": task.directing_leader_id,
            "specialist": task.specialist_id,
            "sector_block": task.sector_block_id,
            "priority": task.priority,
            "product": task.product,
            "product_is_committee_document": task.product_is_committee_document,
            "is_confidential": task.directive.is_confidential,
        }
        super().__init__(*args, **kwargs)
        self.task = task
        issuer = task.directive.issuer
        if task.parent_id is None:
            leads = directed_units(task.assigner_unit)
        else:
            from chidao.directives.actions.issue import subassign_targets

            leads = subassign_targets(task.parent)
        # The choices, with the task's own values kept even where no longer offered (a unit
        # dissolved since, a leader whose term ended): the form then changes only what is asked.
        units = Unit.objects.order_by("depth", "sort_order", "sort_key")
        self.fields["lead_unit"].queryset = units.filter(
            Q(pk__in=leads.values("pk")) | Q(pk=task.lead_unit_id)
        )
        self.fields["cooperating_units"].queryset = units.filter(
            Q(pk__in=directed_units(issuer).values("pk")) | Q(pk__in=cooperating)
        )
        keep = [pk for pk in (task.directing_leader_id, task.specialist_id) if pk]
        people = Person.objects.order_by("full_name")
        self.fields["directing_leader"].queryset = people.filter(
            Q(pk__in=leaders_of(issuer).values("pk")) | Q(pk__in=keep)
        )
        self.fields["specialist"].queryset = people.filter(
            Q(pk__in=task.lead_unit.follower_candidates().values("pk")) | Q(pk__in=keep)
        )
        self.fields["sector_block"].queryset = SectorBlock.objects.filter(
            Q(committee=issuer) | Q(pk=task.sector_block_id)
        )
        self.fields["cooperating_units"].widget.attrs["size"] = 6
        for name in (
            "lead_unit",
            "cooperating_units",
            "directing_leader",
            "specialist",
            "sector_block",
        ):
            quick_model_select(self.fields[name])
        if task.deadline_kind == DeadlineKind.RECURRING and task.series_id is None:
            del self.fields["deadline"]  # each period has its own
        elif task.extension_count:
            self.fields["deadline"].disabled = True
            self.fields["deadline"].help_text = _(
                "Extended by decision: the deadline is no longer corrected here."
            )
        if person is None or not can(person, Action.EDIT, task.directive):
            del self.fields["is_confidential"]
        # The picker's search is the committee's own: offered when the committee assigned it.
        self.committee = issuer if task.assigner_unit_id == issuer.pk else None

    def clean(self):
        data = super().clean()
        lead, cooperating = data.get("lead_unit"), data.get("cooperating_units") or ()
        if lead is not None and lead in cooperating:
            self.add_error("cooperating_units", _("The lead unit cannot also cooperate."))
        return data

    def changes(self) -> dict:
        """The fields whose value differs from the task's (the reason apart)."""
        data = self.cleaned_data
        changed = {}
        for name in self.fields:
            if name == "reason" or self.fields[name].disabled:
                continue
            value, initial = data.get(name), self.initial.get(name)
            if name == "cooperating_units":
                if {u.pk for u in value} != set(initial):
                    changed[name] = list(value)
            elif name == "deadline":
                if value is not None and value != initial:
                    changed[name] = value
            elif hasattr(value, "pk"):
                if value.pk != initial:
                    changed[name] = value
            elif value is None:
                if initial is not None:
                    changed[name] = None
            elif value != initial:
                changed[name] = value
        return changed
