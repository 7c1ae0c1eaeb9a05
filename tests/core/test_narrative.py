"""Narrative: actor first in bold, verb lowered, decisions as 'Jika ..., lanjut/kembali ke langkah N'."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from prosedur.model import Exit, Library, Procedure
from prosedur.render.narrative import (
    lower_verb,
    narrative,
    narrative_html,
    narrative_markdown,
    narrative_text,
)


def _with_steps(proc: Procedure, **changes: dict[str, object]) -> Procedure:
    """A deep copy of `proc` with some steps' fields replaced (step id -> field values)."""
    copy = proc.model_copy(deep=True)
    for step in copy.steps:
        for key, value in changes.get(step.id, {}).items():
            setattr(step, key, value)
    return copy


def test_one_item_per_step_in_order(email: Procedure, sample_library: Library) -> None:
    items = narrative(email, sample_library, "id")
    assert [i.number for i in items] == list(range(1, len(email.steps) + 1))
    assert [i.step_id for i in items] == [s.id for s in email.steps]


def test_actor_then_lowered_verb(email: Procedure, sample_library: Library) -> None:
    first = narrative(email, sample_library, "id")[1]
    assert first.actor == "Kepala PUSDATIN"
    assert first.text.startswith("menugaskan Bidang IKI")
    assert first.text.endswith(".")
    assert narrative_text(email, sample_library).splitlines()[1].startswith("2. Kepala PUSDATIN menugaskan")


@pytest.mark.parametrize(
    ("source", "expected"),
    [("Menugaskan staf", "menugaskan staf"), ("PUSDATIN menerima", "PUSDATIN menerima"),
     ("CAB menilai", "CAB menilai"), ("iOS diperbarui", "iOS diperbarui"), ("", "")],
)
def test_lower_verb_keeps_acronyms(source: str, expected: str) -> None:
    assert lower_verb(source) == expected


def test_two_exits_are_one_sentence_with_back_reference(email: Procedure, sample_library: Library) -> None:
    decision = narrative(email, sample_library, "id")[5]
    assert decision.follow == "Jika Ya, lanjut ke langkah 7; jika Tidak, kembali ke langkah 5."
    english = narrative(email, sample_library, "en")[5]
    assert english.actor == "IKI Division staff"
    assert english.follow == "If Ya, continue with step 7; if Tidak, return to step 5."


def test_three_exits_become_lettered_sub_items(email: Procedure, sample_library: Library) -> None:
    exits = [Exit(label="Ya", to="aktifkan"), Exit(label="Tidak", to="tandatangan"), Exit(label="Ragu", to="tugaskan")]
    proc = _with_steps(email, periksa_form={"exits": exits})
    item = narrative(proc, sample_library, "id")[5]
    assert [(s.letter, s.text) for s in item.sub_items] == [
        ("a", "Jika Ya, lanjut ke langkah 7."),
        ("b", "Jika Tidak, kembali ke langkah 5."),
        ("c", "Jika Ragu, kembali ke langkah 2."),
    ]
    assert "   c. Jika Ragu, kembali ke langkah 2." in narrative_text(proc, sample_library)


def test_jump_forward_is_stated(email: Procedure, sample_library: Library) -> None:
    proc = _with_steps(email, buat={"next": "aktifkan"})
    assert narrative(proc, sample_library)[2].follow == "Lanjut ke langkah 7."


def test_parameters_are_substituted(email: Procedure, sample_library: Library) -> None:
    proc = _with_steps(email, buat={"do": "Membuat akun dengan lampiran maksimal {{batas_lampiran}}"})
    assert "maksimal 5 MB." in narrative(proc, sample_library)[2].text


def test_html_is_escaped_and_actor_bold(email: Procedure, sample_library: Library) -> None:
    proc = _with_steps(email, buat={"do": 'Membuat <img src=x onerror="alert(1)"> & lain'})
    html = narrative_html(proc, sample_library)
    assert "<img" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; lain" in html

    class Tags(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.tags.append(tag)

    parser = Tags()
    parser.feed(html)
    assert set(parser.tags) <= {"ol", "li", "strong", "span", "em"}
    assert parser.tags.count("strong") == len(email.steps)


def test_markdown_bold_actor_and_escaped_punctuation(email: Procedure, sample_library: Library) -> None:
    proc = _with_steps(email, buat={"do": r"Membuat *akun* [link](javascript:x) 5 \* 3"})
    md = narrative_markdown(proc, sample_library)
    assert md.splitlines()[0].startswith("1. **Pegawai / Unit Kerja Pemohon** menyampaikan")
    # the source's emphasis stays emphasis; a literal asterisk (\*) and link syntax are escaped
    assert r"membuat *akun* \[link\]\(javascript:x\) 5 \* 3." in md
