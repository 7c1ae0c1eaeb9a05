"""The one exception views turn into form errors or HTTP 409."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .labels import label

Message = Callable[[str], str]


class ActionRefused(Exception):
    """A lifecycle action is not allowed; holds every reason, translated when shown."""

    def __init__(self, reasons: Sequence[Message]):
        self.reasons = list(reasons)
        super().__init__("; ".join(r("en") for r in self.reasons))

    def messages(self, lang: str = "id") -> list[str]:
        return [r(lang) for r in self.reasons]

    @classmethod
    def of(cls, key: str, **params: object) -> ActionRefused:
        return cls([lambda lang: label(key, lang, **params)])


class StaleRevision(Exception):
    """An edit based on an older version of the source (optimistic locking)."""
