"""One small form per workflow step (the task page shows exactly those the person may take)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from chidao.core.widgets import quicken
from chidao.directives.models import Cause, CooperationStatus

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
    """Bootstrap classes on every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
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
