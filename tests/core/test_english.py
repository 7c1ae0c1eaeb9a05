"""English documents: `*_en` texts are printed in English, the rest is said to be in Indonesian, P409 counts it."""

from __future__ import annotations

from prosedur.lint import lint_procedure
from prosedur.model import Library, Procedure
from prosedur.render.document import document_view
from prosedur.render.html import render_html
from prosedur.render.sop import render_sop_html
from prosedur.render.svg import render_flowchart
from prosedur.translation import english_gaps, indonesian_sections


def _translated(proc: Procedure) -> Procedure:
    steps = [s.model_copy(update={"do_en": f"English step {i + 1}"}) for i, s in enumerate(proc.steps)]
    scope = proc.scope.model_copy(update={"includes_en": ["Account requests"]})
    return proc.model_copy(update={"steps": steps, "purpose_en": "To manage *email* accounts", "scope": scope})


def test_english_text_is_printed_where_written(email: Procedure, sample_library: Library) -> None:
    proc = _translated(email)
    view = document_view(proc, sample_library, lang="en")
    assert view.purpose == "To manage *email* accounts"
    assert [s.text for s in view.steps][:2] == ["English step 1", "English step 2"]
    # a list translated in part: the written item in English, the others as written
    assert view.scope_includes[0] == "Account requests"
    assert view.scope_includes[1] == email.scope.includes[1]
    indonesian = document_view(proc, sample_library, lang="id")
    assert indonesian.purpose == email.purpose and indonesian.indonesian == []
    assert "English step 1" in render_flowchart(proc, sample_library, lang="en")[0]
    assert "English step 1" not in render_flowchart(proc, sample_library, lang="id")[0]


def test_the_english_document_names_its_indonesian_sections(email: Procedure, sample_library: Library) -> None:
    proc = _translated(email)
    sections = indonesian_sections(proc)
    assert "purpose" not in sections
    assert "scope" in sections  # one item of the scope is still Indonesian
    view = document_view(proc, sample_library, lang="en")
    assert view.indonesian_note.startswith("Printed in Indonesian (no English text yet): ")
    html = render_html(proc, sample_library, lang="en")
    assert f'<p class="lang-note" lang="en">{view.indonesian_note}</p>' in html
    assert view.indonesian_note in render_sop_html(proc, sample_library, lang="en")
    assert '<p class="lang-note"' not in render_html(proc, sample_library, lang="id")
    # everything translated that has a sibling, the untranslatable sections remain named
    untouched = document_view(email, sample_library, lang="en")
    assert "Purpose" in untouched.indonesian and "Purpose" not in view.indonesian


def test_p409_counts_untranslated_texts_for_english_publishing_libraries(email: Procedure,
                                                                         sample_library: Library) -> None:
    assert not [f for f in lint_procedure(email, sample_library) if f.code == "P409"]
    info = sample_library.info.model_copy(update={"languages": ["id", "en"]})
    library = sample_library.model_copy(update={"info": info})
    before = [f for f in lint_procedure(email, library) if f.code == "P409"]
    after = [f for f in lint_procedure(_translated(email), library) if f.code == "P409"]
    assert len(before) == 1 and str(before[0].severity) == "info"
    n_before, n_after = before[0].params["count"], after[0].params["count"]
    assert n_before - n_after == 1 + 1 + len(email.steps)  # purpose, one scope item, every step's activity
    assert before[0].params["count"] == len(english_gaps(email))
    assert "Tujuan/Purpose" in before[0].message("id") and "Tujuan/Purpose" not in after[0].message("en")


def test_the_english_sop_draws_english_exit_labels(email: Procedure, sample_library: Library) -> None:
    """The SOP table's drawing is laid out in the view's language: a decision's `label_en` (the
    document's chart had it; the SOP printed the Indonesian label in English too)."""
    from prosedur.render.sop import sop_layout

    steps = [s.model_copy(update={"exits": [e.model_copy(update={"label_en": f"Way {k}"}) for k, e in enumerate(s.exits)]})
             for s in email.steps]
    proc = email.model_copy(update={"steps": steps})
    assert any(s.exits for s in proc.steps)

    def labels(lang: str) -> set[str]:
        sop = sop_layout(document_view(proc, sample_library, lang=lang), proc)
        return {e.label for page in sop.pages if page.flow for e in page.flow.edges if e.label}

    assert {"Way 0", "Way 1"} <= labels("en")
    assert not {"Way 0", "Way 1"} & labels("id")
