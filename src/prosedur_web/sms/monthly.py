"""The monthly document-control report (Laporan Bulanan Pengendalian Dokumen), ISO/IEC 20000-1 7.5.3.

What the document controller hands the management review and the auditor each month: the revisions
that took effect, were made obsolete, are signed but not yet in force, and are in review or draft at
month end; the periodic reviews overdue or due soon; the acknowledgement rate of every effective
revision; the integrity of every signed revision and of the audit trail; the newest signed audit
anchor, so that it also exists on paper; and when and by whom the report was made.

Data is gathered here, in the web layer, from what the app already computes (`selectors.library`,
`review_schedule` with `selectors.last_reviews`, `selectors.socialisation`,
`audit.checks.revision_problems`, `audit.checks.anchor_status`, `audit.services.audit_verify`); it is
then laid out as the core's flat `Table`s, which the page shows and `prosedur.iso20000.report.tables_html`
prints, so screen, HTML and PDF cannot disagree. The PDF goes through the core's WeasyPrint wrapper.

The month is a calendar month in the organisation's time zone (settings `TIME_ZONE`). A month that has
ended is reported as it stood at its end: the revision states are rebuilt from the audit trail (the
entries that set a status). Integrity, the anchor and the socialisation rates are checks run when the
report is made, and say so.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone

from prosedur.i18n import MONTHS_EN, MONTHS_ID, pick
from prosedur.iso20000.calendar import DUE_SOON_DAYS, ReviewItem, ReviewState, review_schedule
from prosedur.iso20000.export import Table
from prosedur.iso20000.registers import Cell
from prosedur.iso20000.report import tables_html
from prosedur.model import Library
from prosedur_web.audit import checks
from prosedur_web.audit.models import AuditEntry
from prosedur_web.audit.services import ChainReport, audit_verify
from prosedur_web.audit.texts import text
from prosedur_web.common.labels import label
from prosedur_web.procedures import records
from prosedur_web.procedures.models import Revision, RevisionStatus

from . import selectors
from .selectors import Rate

__all__ = ["Month", "MonthlyReport", "monthly_report", "page_tables", "report_html", "report_pdf", "report_tables"]

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_TARGET = "procedures.revision"
_STATUS_ACTIONS = {
    "revision_start": RevisionStatus.DRAFT,
    "procedure_create": RevisionStatus.DRAFT,
    **{f"revision_{s}": s for s in RevisionStatus.values},
}
"""Audit actions that set a revision's status (`revision_import` carries it in its data)."""
MISSING_SHOWN = 8


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, value: str) -> Month:
        """"2026-03" -> Month(2026, 3); ValueError for anything else."""
        match = _MONTH.match(value.strip())
        if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1:
            raise ValueError(value)
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    @classmethod
    def previous(cls, today: dt.date | None = None) -> Month:
        """The calendar month before `today` (default: today in the organisation's time zone)."""
        today = today or timezone.localdate()
        return cls.of(today.replace(day=1) - dt.timedelta(days=1))

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def next_first(self) -> dt.date:
        return dt.date(self.year + self.month // 12, self.month % 12 + 1, 1)

    @property
    def last(self) -> dt.date:
        return self.next_first - dt.timedelta(days=1)

    def start(self) -> dt.datetime:
        """Midnight of the first day, in the organisation's time zone."""
        return timezone.make_aware(dt.datetime.combine(self.first, dt.time()), timezone.get_default_timezone())

    def end(self) -> dt.datetime:
        """Midnight after the last day (exclusive), in the organisation's time zone."""
        return timezone.make_aware(dt.datetime.combine(self.next_first, dt.time()), timezone.get_default_timezone())

    def name(self, lang: str = "id") -> str:
        return f"{(MONTHS_EN if lang == 'en' else MONTHS_ID)[self.month - 1]} {self.year}"


@dataclass(frozen=True)
class RevisionRow:
    """One revision as the report lists it."""

    number: str
    title: str
    revision: int
    status: str
    date: dt.date | None = None
    signer: str = ""
    note: str = ""


@dataclass
class MonthlyReport:
    month: Month
    lang: str
    library: Library
    generated_at: dt.datetime
    """Local time (organisation's time zone) the report was made."""
    generated_by: str
    ended: bool
    """The month is over: states are those at its end (from the audit trail), not the current ones."""
    as_of: dt.date
    """The day the review calendar is computed for: the month's last day, or today while it runs."""
    effective: list[RevisionRow] = field(default_factory=list)
    obsolete: list[RevisionRow] = field(default_factory=list)
    signed: list[RevisionRow] = field(default_factory=list)
    in_review: list[RevisionRow] = field(default_factory=list)
    drafts: list[RevisionRow] = field(default_factory=list)
    reviews: list[ReviewItem] = field(default_factory=list)
    socialisation: list[Rate] = field(default_factory=list)
    integrity_checked: int = 0
    integrity_problems: list[str] = field(default_factory=list)
    chain: ChainReport | None = None
    anchor: checks.AnchorStatus | None = None
    anchor_lines: list[str] = field(default_factory=list)
    anchor_warnings: list[str] = field(default_factory=list)

    @property
    def overdue(self) -> list[ReviewItem]:
        return [i for i in self.reviews if i.state is ReviewState.OVERDUE]

    @property
    def due_soon(self) -> list[ReviewItem]:
        return [i for i in self.reviews if i.state is ReviewState.DUE_SOON]

    @property
    def acknowledged(self) -> tuple[int, int]:
        return sum(r.done for r in self.socialisation), sum(r.total for r in self.socialisation)

    @property
    def findings(self) -> list[str]:
        """What deserves attention: integrity problems, a broken chain, a missing, invalid or old anchor."""
        out = list(self.integrity_problems)
        if self.chain is not None and not self.chain.ok:
            out.append(text("chain_broken", self.lang, seq=self.chain.broken_at, reason=self.chain.reason))
        status = self.anchor
        if status is None or status.anchor is None or not status.signature_ok or not status.chain_ok:
            out += self.anchor_lines[:1]
        out += self.anchor_lines[1:]  # newer anchor files whose signature did not verify
        return out + self.anchor_warnings

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def organisation(self) -> str:
        info = self.library.info
        return (info.organisation_en or info.organisation) if self.lang == "en" else info.organisation

    def title(self) -> str:
        return label("sms_monthly_title", self.lang, month=self.month.name(self.lang))

    def when(self) -> str:
        return self.generated_at.strftime("%Y-%m-%d %H:%M %z")


# -- gathering ---------------------------------------------------------------------------------------
def states_at(end: dt.datetime) -> dict[int, str]:
    """Each revision's status just before `end`, from the audit entries that set one (oldest first)."""
    out: dict[int, str] = {}
    rows = (AuditEntry.objects.filter(target_type=_TARGET, at__lt=end,
                                      action__in=[*_STATUS_ACTIONS, "revision_import"])
            .order_by("seq").values_list("target_id", "action", "data"))
    for target_id, action, data in rows.iterator(chunk_size=2000):
        if not str(target_id).isdigit():
            continue
        if action == "revision_import":
            status = data.get("status") if isinstance(data, dict) else None
        else:
            status = _STATUS_ACTIONS[action]
        if status in RevisionStatus.values:
            out[int(target_id)] = str(status)
    return out


def _titles(library: Library, lang: str) -> dict[tuple[str, int], str]:
    return {(p.number, p.revision): pick(p.title, p.title_en, lang) for p in library.procedures}


def _signer(rev: Revision, lang: str) -> str:
    sig = records.signature_of_record(rev)
    return sig.text(lang) if sig is not None else label("sms_monthly_unsigned", lang)


def _row(rev: Revision, titles: dict[tuple[str, int], str], lang: str, status: str, **kw: Any) -> RevisionRow:
    title = titles.get((rev.procedure.number, rev.number)) or (
        (rev.procedure.title_en or rev.procedure.title) if lang == "en" else rev.procedure.title)
    return RevisionRow(rev.procedure.number, title, rev.number, status, **kw)


def _who(user: Any) -> str:
    name = getattr(user, "full_name", "") or ""
    username = user.get_username() if hasattr(user, "get_username") else str(user or "")
    position = getattr(user, "position", "") or ""
    shown = f"{name} ({username})" if name and username and name != username else (name or username)
    return f"{shown}, {position}" if position else shown


def monthly_report(month: Month, *, lang: str = "id", by: Any = "", now: dt.datetime | None = None) -> MonthlyReport:
    """Everything the report prints for `month`; `by` is the user (or a name) who makes it."""
    now = timezone.localtime(now or timezone.now())
    today = now.date()
    ended = month.end() <= now
    as_of = month.last if ended else today
    library = selectors.library()
    report = MonthlyReport(month=month, lang=lang, library=library, generated_at=now,
                           generated_by=by if isinstance(by, str) else _who(by), ended=ended, as_of=as_of)
    titles = _titles(library, lang)
    revisions = {r.pk: r for r in Revision.objects.select_related("procedure", "author")
                 .order_by("procedure__sort_key", "procedure__number", "number")}
    current = {pk: r.status for pk, r in revisions.items()}
    at_end = states_at(month.end()) if ended else current

    # took effect this month: the effective date falls in it and the revision did take effect
    took = [r for r in revisions.values() if r.effective_date is not None
            and month.first <= r.effective_date <= month.last
            and r.status in (RevisionStatus.EFFECTIVE, RevisionStatus.OBSOLETE)]
    took_pks = {r.pk for r in took}
    report.effective = [_row(r, titles, lang, r.status, date=r.effective_date, signer=_signer(r, lang)) for r in took]

    # made obsolete this month: the lifecycle's own record of the change
    gone = (AuditEntry.objects.filter(target_type=_TARGET, action="revision_obsolete", at__gte=month.start(),
                                      at__lt=month.end()).order_by("seq").values_list("target_id", "at"))
    seen: set[int] = set()
    for target_id, at in gone:
        rev = revisions.get(int(target_id)) if str(target_id).isdigit() else None
        if rev is None or rev.pk in seen:
            continue
        seen.add(rev.pk)
        successor = next((s for s in revisions.values() if s.procedure_id == rev.procedure_id
                          and s.number > rev.number
                          and s.status in (RevisionStatus.EFFECTIVE, RevisionStatus.OBSOLETE)), None)
        note = label("sms_monthly_rev", lang, n=successor.number) if successor is not None else ""
        report.obsolete.append(_row(rev, titles, lang, rev.status, date=timezone.localtime(at).date(), note=note))

    # signed, not yet effective; in review; draft — at month end (or now, while the month runs)
    for pk, rev in revisions.items():  # in master-list order
        status = at_end.get(pk)
        if status == RevisionStatus.APPROVED and pk not in took_pks:
            report.signed.append(_row(rev, titles, lang, status, date=rev.effective_date, signer=_signer(rev, lang)))
        elif status in (RevisionStatus.IN_REVIEW, RevisionStatus.DRAFT):
            author = (rev.author.full_name or rev.author.get_username()) if rev.author else ""
            row = _row(rev, titles, lang, status, note=author)
            (report.in_review if status == RevisionStatus.IN_REVIEW else report.drafts).append(row)

    # periodic reviews: the review calendar's own computation, as of the month's last day
    report.reviews = [i for i in review_schedule(library, as_of, reviewed=selectors.last_reviews())
                      if i.state in (ReviewState.OVERDUE, ReviewState.DUE_SOON)]
    # socialisation: the dashboard's rates per effective revision
    report.socialisation = selectors.socialisation(today=as_of, weeks=1, lang=lang).by_procedure

    # integrity: every signed revision against its signature; the chain against the newest anchor
    report.integrity_checked, report.integrity_problems = checks.revision_problems(lang)
    status = checks.anchor_status(lang)
    report.anchor = status
    report.anchor_lines = status.lines(lang)
    anchored = (status.anchor.seq, status.anchor.hash) if status.anchor is not None and status.signature_ok else None
    report.chain = audit_verify(lang, anchor=anchored)  # read-only: the report moves no checkpoint
    if status.anchor is not None:
        age = (now - status.anchor.created).days
        if age > checks.MAX_ANCHOR_AGE_DAYS:
            report.anchor_warnings.append(text("anchor_old", lang, days=age))
    return report


# -- laying out --------------------------------------------------------------------------------------
def _status(status: str, lang: str) -> str:
    return label(f"status_{status}", lang)


def _percent(done: int, total: int) -> str:
    return f"{100.0 * done / total:.0f} % ({done}/{total})" if total else "—"


def _missing(rate: Rate, lang: str) -> str:
    shown = rate.missing[:MISSING_SHOWN]
    more = len(rate.missing) - len(shown)
    return ", ".join(shown) + (label("sms_monthly_more", lang, n=more) if more > 0 else "")


def intro(report: MonthlyReport) -> list[str]:
    """The lines under the title: period, who made it when, and what the states are as of."""
    lang, m = report.lang, report.month
    lines = [
        label("sms_monthly_period", lang, first=m.first.isoformat(), last=m.last.isoformat(),
              tz=settings.TIME_ZONE),
        label("sms_monthly_made", lang, when=report.when(), who=report.generated_by or "—"),
        label("sms_monthly_basis", lang),
    ]
    lines.append(label("sms_monthly_ended" if report.ended else "sms_monthly_running", lang,
                       date=report.as_of.isoformat()))
    return lines


def _chain_words(report: MonthlyReport) -> str:
    chain, lang = report.chain, report.lang
    if chain is None:
        return "—"
    if chain.ok:
        return text("chain_ok", lang, n=chain.count)
    return text("chain_broken", lang, seq=chain.broken_at, reason=chain.reason)


def report_tables(report: MonthlyReport) -> list[Table]:
    """The report as the core's flat tables (the page shows them, `tables_html` prints them)."""
    lang = report.lang

    def h(*keys: str) -> list[str]:
        return [label(k, lang) for k in keys]

    done, total = report.acknowledged
    a = report.anchor.anchor if report.anchor is not None else None
    integrity = (label("sms_monthly_integrity_ok", lang, n=report.integrity_checked) if not report.integrity_problems
                 else label("sms_monthly_integrity_bad", lang, n=len(report.integrity_problems),
                            checked=report.integrity_checked))
    anchor_short = (label("sms_monthly_anchor_short", lang, seq=a.seq, hash=a.hash[:16],
                          day=timezone.localtime(a.created).date().isoformat(),
                          sig=label("audit_anchor_valid" if report.anchor and report.anchor.signature_ok
                                    else "audit_anchor_invalid", lang))
                    if a is not None else label("sms_monthly_anchor_none", lang))
    summary: list[list[Cell]] = [
        [label("sms_monthly_effective", lang), len(report.effective)],
        [label("sms_monthly_obsolete", lang), len(report.obsolete)],
        [label("sms_monthly_signed", lang), len(report.signed)],
        [label("sms_monthly_in_review_n", lang), len(report.in_review)],
        [label("sms_monthly_drafts_n", lang), len(report.drafts)],
        [label("sms_monthly_overdue_n", lang), len(report.overdue)],
        [label("sms_monthly_due_soon_n", lang, days=DUE_SOON_DAYS), len(report.due_soon)],
        [label("sms_monthly_soc_total", lang), _percent(done, total)],
        [label("sms_monthly_integrity_revisions", lang), integrity],
        [label("sms_monthly_check_chain", lang), _chain_words(report)],
        [label("sms_monthly_anchor", lang), anchor_short],
    ]
    rev_head = h("number", "title", "rev_short")
    tables = [
        Table(label("sms_monthly_summary", lang), h("sms_monthly_item", "sms_monthly_value"), summary),
        Table(label("sms_monthly_effective", lang), [*rev_head, *h("effective_date", "sms_monthly_signer")],
              [[r.number, r.title, r.revision, r.date, r.signer] for r in report.effective]),
        Table(label("sms_monthly_obsolete", lang), [*rev_head, *h("sms_monthly_obsolete_on", "sms_monthly_replaced_by")],
              [[r.number, r.title, r.revision, r.date, r.note] for r in report.obsolete]),
        Table(label("sms_monthly_signed", lang), [*rev_head, *h("effective_date", "sms_monthly_signer")],
              [[r.number, r.title, r.revision, r.date, r.signer] for r in report.signed]),
        Table(label("sms_monthly_in_progress", lang), [*rev_head, *h("status", "sms_monthly_author")],
              [[r.number, r.title, r.revision, _status(r.status, lang), r.note]
               for r in [*report.in_review, *report.drafts]]),
        Table(label("sms_monthly_reviews", lang, date=report.as_of.isoformat(), days=DUE_SOON_DAYS),
              [*rev_head, *h("sms_due", "sms_days_left", "sms_state", "sms_last_review")],
              [[i.number, i.display_title(lang), i.revision, i.due, i.days_left, i.state_label(lang),
                i.last_reviewed] for i in report.reviews]),
        Table(label("sms_monthly_socialisation", lang),
              h("revision", "sms_monthly_readers", "sms_monthly_rate", "sms_monthly_missing"),
              [[r.label, r.total, _percent(r.done, r.total), _missing(r, lang)] for r in report.socialisation]),
    ]
    checks_rows: list[list[Cell]] = [
        [label("sms_monthly_check_revisions", lang, n=report.integrity_checked),
         text("rev_ok", lang, n=report.integrity_checked) if not report.integrity_problems
         else label("sms_monthly_integrity_bad", lang, n=len(report.integrity_problems),
                    checked=report.integrity_checked)],
    ]
    checks_rows += [[label("sms_monthly_check_problem", lang), line] for line in report.integrity_problems]
    checks_rows.append([label("sms_monthly_check_chain", lang), _chain_words(report)])
    tables.append(Table(label("sms_monthly_integrity", lang), h("sms_monthly_check", "sms_monthly_result"),
                        checks_rows))
    tables.append(Table(label("sms_monthly_anchor", lang), h("sms_monthly_anchor_details"),
                        [[line] for line in [*report.anchor_lines, *report.anchor_warnings]]))
    return tables


def cell_text(cell: Cell) -> str:
    """A cell as the printed report shows it (dates ISO, nothing for None), for the page's template."""
    if cell is None:
        return ""
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell)


def page_tables(tables: list[Table]) -> list[dict[str, Any]]:
    """The tables with their cells as text, and which columns hold numbers (right-aligned on the page)."""
    out = []
    for table in tables:
        numeric = [bool(table.rows) and all(isinstance(row[i], int) or row[i] is None for row in table.rows)
                   for i in range(len(table.headings))]
        out.append({"name": table.name, "headings": table.headings,
                    "rows": [[(cell_text(c), numeric[i]) for i, c in enumerate(row)] for row in table.rows]})
    return out


def report_html(report: MonthlyReport) -> str:
    """The printable report (a whole HTML document), through the core's report template."""
    return tables_html(report.title(), report_tables(report), library=report.library,
                       generated=report.generated_at.date(), lang=report.lang, intro=intro(report),
                       callout="" if report.ok else label("sms_monthly_attention", report.lang))


def report_pdf(report: MonthlyReport) -> bytes:
    """The report as PDF, rendered by the core's WeasyPrint wrapper (safe fetcher, fixed metadata date)."""
    from prosedur.render.pdf import html_to_pdf  # WeasyPrint is heavy: imported when a PDF is asked for

    return html_to_pdf(report_html(report), library_root=report.library.root,
                       stamp=report.generated_at.isoformat(timespec="seconds"))


def file_name(report: MonthlyReport, fmt: str) -> str:
    return f"laporan-bulanan-{report.month.key}.{fmt}"
