"""Read queries for reviews."""

from __future__ import annotations

from prosedur.errors import SourceError
from prosedur_web import services as core
from prosedur_web.common.labels import label
from prosedur_web.procedures.models import Revision
from prosedur_web.reviews.models import Comment

SECTIONS = ["purpose", "scope", "definitions", "references", "roles", "provisions", "steps", "records"]


def comment_anchors(revision: Revision, lang: str = "id") -> list[tuple[str, str]]:
    """Where a comment can point: a document section, or one step ("3. Membuat akun email …")."""
    out = [("", label("anchor_general", lang))] + [(f"s-{key}", label(key, lang)) for key in SECTIONS]
    try:
        proc = core.parse_source(revision.yaml_source)
    except SourceError:
        return out
    for number, step in enumerate(proc.steps, start=1):
        text = core.substitute(step.do, proc) or step.id
        out.append((f"step-{step.id}", f"{number}. {text[:60]}"))
    return out


def comments_of(revision: Revision, lang: str = "id") -> list[Comment]:
    """The revision's comment threads, each with `anchor_text`: where it points, in words ("3. Membuat
    akun …"), never the anchor id; a step deleted since then is "langkah yang sudah dihapus"."""
    names = dict(comment_anchors(revision, lang))
    threads = list(Comment.objects.filter(revision=revision, parent__isnull=True)
                   .select_related("author").prefetch_related("replies__author"))
    for c in threads:
        c.anchor_text = names.get(c.anchor) or (label("anchor_gone", lang) if c.anchor else "")  # type: ignore[attr-defined]
    return threads
