"""prosedur.shared: inside a build's scope one layout and one document view per procedure and arguments."""

from prosedur import shared
from prosedur.flow.layout import layout
from prosedur.render.document import document_view
from prosedur.render.svg import render_flowchart, render_flowchart_single, role_titles
from prosedur.synth import synthetic_procedure


def test_one_layout_per_chart_inside_the_scope_only():
    proc = synthetic_procedure(25, seed=3)
    assert layout(proc) is not layout(proc)  # outside: every caller its own (tests edit layouts)
    with shared.shared_work():
        first = layout(proc, lang="en")
        assert layout(proc, lang="en") is first
        assert layout(proc, lang="id") is not first  # another argument, another chart
        changed = proc.model_copy(update={"title": proc.title + " (revisi)"})
        assert layout(changed, lang="en") is not first  # another procedure content, never a stale chart
        with shared.shared_work():  # nested: the same scope
            assert layout(proc, lang="en") is first
        assert shared.active()
    assert not shared.active()
    assert layout(proc, lang="en") is not first


def test_shared_results_draw_the_same_chart():
    proc = synthetic_procedure(40, seed=5)
    alone = render_flowchart(proc, lang="en")
    with shared.shared_work():
        render_flowchart(proc, lang="en")
        assert render_flowchart(proc, lang="en") == alone
        assert document_view(proc, lang="en") is document_view(proc, lang="en")
        assert document_view(proc, lang="en") is not document_view(proc, lang="id")


def test_the_scope_keeps_a_bounded_number_of_results():
    made = []
    with shared.shared_work():
        for k in range(shared.SIZE + 5):
            shared.shared(("k", k), lambda k=k: made.append(k) or k)
        shared.shared(("k", 0), lambda: made.append("again") or 0)  # the oldest was dropped: made again
        shared.shared(("k", shared.SIZE + 4), lambda: made.append("kept") or 0)  # the newest is kept
    assert made[-1] == "again"


def test_a_chart_on_one_sheet_is_the_web_pages_chart_too():
    """A chart cut to a page height that came out as one sheet is, laid out once, also the one-page chart
    of the web page (`layout` registers it): the same drawing as that chart laid out on its own."""
    short, long = synthetic_procedure(8, seed=3), synthetic_procedure(40, seed=5)
    alone = [render_flowchart_single(p, lang="en") for p in (short, long)]
    with shared.shared_work():
        for proc, drawn in zip((short, long), alone, strict=True):
            titles = role_titles(proc, None, "en")
            paged = layout(proc, lane_titles=titles, max_height=700.0, lang="en")
            whole = layout(proc, rows_per_page=len(proc.steps), lane_titles=titles, lang="en")
            assert (whole is paged) == (proc is short)
            assert len(whole.pages) == 1
            assert render_flowchart_single(proc, lang="en") == drawn
            assert (len(paged.pages) == 1) == (proc is short)  # the long one: sheets, its own one-page chart
