from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from prosedur_web.accounts.models import User
from prosedur_web.common.labels import label, size_text
from prosedur_web.services import SOURCE_MAX_BYTES


class SourceForm(forms.Form):
    yaml_source = forms.CharField(widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false",
                                                               "class": "code"}), strip=False)
    base_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["yaml_source"].label = label("edit_source")
        self.fields["yaml_source"].error_messages["required"] = label("source_empty")
        self.fields["yaml_source"].widget.attrs["data-max-bytes"] = str(SOURCE_MAX_BYTES)
        for code in ("required", "invalid"):
            self.fields["base_version"].error_messages[code] = label("form_outdated_base")

    def clean_yaml_source(self) -> str:
        """The core refuses sources over its limit; say so here, in words, with the typed text kept."""
        text: str = self.cleaned_data["yaml_source"]
        size = len(text.encode("utf-8"))
        if size > SOURCE_MAX_BYTES:
            raise forms.ValidationError(label("source_too_big", size=size_text(size), limit=size_text(SOURCE_MAX_BYTES)))
        return text

    def problems(self) -> list[str]:
        """Every error of the form as a sentence (no field names), for the page's error box."""
        return [str(message) for errors in self.errors.values() for message in errors]



class _UserChoices(forms.ModelMultipleChoiceField):
    """Ids that are not numbers a database key can hold are invalid choices, not a database error."""

    def _check_values(self, value: Any) -> Any:
        for pk in value:
            if not str(pk).isdigit() or int(str(pk)) > 2**31 - 1:
                raise forms.ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                            params={"pk": pk})
        return super()._check_values(value)


class SubmitForm(forms.Form):
    reviewers = _UserChoices(queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple)
    sequential = forms.TypedChoiceField(choices=[], coerce=lambda v: v == "1", initial="0",
                                        widget=forms.RadioSelect)

    def __init__(self, *args: Any, revision: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        from prosedur_web.reviews.selectors import reviewer_candidates

        # the parties involved: the owner unit's chain and every unit whose roles act in the procedure
        self.fields["reviewers"].queryset = reviewer_candidates(revision, exclude=user)
        self.fields["reviewers"].label = label("reviewers")
        self.fields["reviewers"].label_from_instance = lambda u: " — ".join(
            p for p in (u.full_name or u.username, u.position, u.unit.name if u.unit else "") if p)
        self.fields["sequential"].choices = [("0", label("order_parallel")), ("1", label("order_sequential"))]
        self.fields["sequential"].label = label("review_order")


class ApproveForm(forms.Form):
    effective_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    password = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}), strip=False)
    # the content hash the form displayed: signing is refused when the content is not that any more
    content_hash = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["effective_date"].label = label("effective_date")
        self.fields["effective_date"].initial = timezone.localdate()
        self.fields["password"].label = label("password")
