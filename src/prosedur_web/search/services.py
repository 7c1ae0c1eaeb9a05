"""Full-text search over current revisions: number, title, purpose, scope and step texts.

The index follows the revisions: every save of a revision re-indexes its procedure (post_save), and
`search_rebuild` redoes everything from the current revisions (after an import, or if the index
was lost). Only effective revisions are indexed: a reader must not find words of a draft.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import connection, transaction
from django.db.models import Q

from prosedur.errors import SourceError
from prosedur_web import services as core
from prosedur_web.procedures.models import Procedure, Revision, RevisionStatus

from .models import SearchEntry

_WORD = re.compile(r"\w+", re.UNICODE)


def _text(rev: Revision) -> tuple[str, str] | None:
    """(title, body) of a revision's source, or None if it does not parse."""
    try:
        proc = core.parse_source(rev.yaml_source, rev.procedure.number)
    except SourceError:
        return None
    title = " ".join(x for x in (proc.title, proc.title_en or "") if x)
    parts = [proc.purpose, *proc.scope.includes, *proc.scope.excludes]
    for step in proc.steps:
        parts += [step.do, step.output or "", *step.requirements]
    return title, "\n".join(p for p in parts if p)


def _fts(sql: str, params: list[Any]) -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


@transaction.atomic
def search_index_procedure(procedure: Procedure) -> None:
    """Index the procedure's effective revision (or drop it from the index when none is)."""
    rev = procedure.revisions.filter(status=RevisionStatus.EFFECTIVE).select_related("procedure").first()
    texts = _text(rev) if rev is not None else None
    _fts("DELETE FROM search_fts WHERE procedure_id = %s", [procedure.pk])
    if rev is None or texts is None:
        SearchEntry.objects.filter(procedure=procedure).delete()
        return
    title, body = texts
    SearchEntry.objects.update_or_create(procedure=procedure, defaults={
        "revision_number": rev.number, "number": procedure.number, "title": title, "body": body})
    _fts("INSERT INTO search_fts (number, title, body, procedure_id) VALUES (%s, %s, %s, %s)",
         [procedure.number, title, body, procedure.pk])


def search_rebuild() -> int:
    """Rebuild the whole index from current revisions; returns the number of entries."""
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        _fts("DELETE FROM search_fts", [])
        for procedure in Procedure.objects.all():
            search_index_procedure(procedure)
    return SearchEntry.objects.count()


def on_revision_saved(sender: Any, instance: Revision, raw: bool = False, **kwargs: Any) -> None:
    if raw:  # fixtures
        return
    search_index_procedure(instance.procedure)


def matching_procedure_ids(query: str) -> list[int]:
    """Ids of procedures whose current revision matches every word of `query`, best first."""
    words = _WORD.findall(query)[:12]
    if not words:
        return []
    if connection.vendor == "sqlite":
        match = " ".join('"' + w.replace('"', "") + '"*' for w in words)
        with connection.cursor() as cursor:
            cursor.execute("SELECT procedure_id FROM search_fts WHERE search_fts MATCH %s ORDER BY rank LIMIT 500",
                           [match])
            return [int(row[0]) for row in cursor.fetchall()]
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector("number", "title", "body", config="simple")
        search = SearchQuery(" ".join(words), config="simple", search_type="plain")
        return list(SearchEntry.objects.annotate(search=vector, rank=SearchRank(vector, search))
                    .filter(search=search).order_by("-rank").values_list("procedure_id", flat=True)[:500])
    qs = SearchEntry.objects.all()
    for w in words:
        qs = qs.filter(Q(number__icontains=w) | Q(title__icontains=w) | Q(body__icontains=w))
    return list(qs.values_list("procedure_id", flat=True)[:500])
