from django import forms
from django.utils.translation import gettext_lazy as _

from chidao.org import permissions
from chidao.registers import columns


class UploadForm(forms.Form):
    committee = forms.ModelChoiceField(
        label=_("People's Committee"), queryset=None, empty_label=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )  # fmt: skip
    file = forms.FileField(
        label=_("Register file (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx,.csv"}),
    )
    token = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"data-token": ""}))

    def __init__(self, person, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = permissions.issuing_committees(person).order_by(
            "sort_order", "sort_key"
        )


class MappingForm(forms.Form):
    """One select per column of the file: the field it holds, or nothing."""

    def __init__(self, column_list, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.column_list = column_list
        for column in column_list:
            self.fields[f"col_{column['index']}"] = forms.ChoiceField(
                label=f"{column['letter']}: {column['title']}",
                choices=columns.choices(),
                required=False,
                initial=column["field"],
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )

    def mapping(self) -> dict[str, str]:
        return {
            name.removeprefix("col_"): value or columns.SKIP
            for name, value in self.cleaned_data.items()
        }
