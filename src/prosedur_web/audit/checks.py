"""The whole integrity check (`verify_audit`) and the daily anchor (`anchor_audit`).

Three things are checked, each reported in words (Indonesian, or English with `lang="en"`):

1. the audit chain, walked in full, against the newest anchor whose signature is valid (and the
   head row);
2. the anchors: every file in the anchor folder must carry a valid signature by the organisation's
   certificate, every anchor the trail says was written must still be there unchanged, the newest
   must not be older than `max_age_days`, and the approval signatures made up to its `until` must
   still be the ones it counted;
3. every issued revision (a signature of record, or approved/effective/obsolete): its stored source
   and control record against its signature (`procedures.records.integrity_problems`).

Kept apart from `services.py`, which every app imports to append to the trail: this module reads the
procedures app, and importing it from there would make the two import each other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from prosedur.integrity import ChainProblemKind

from . import anchor as anchors
from .models import AuditEntry, AuditHead
from .services import audit_append, audit_verify_full
from .texts import text

ANCHOR_ACTION = "audit_anchor"
MAX_ANCHOR_AGE_DAYS = 2


@dataclass
class CheckReport:
    """What the check found: `notes` passed, `warnings` deserve a look, `problems` fail the check."""

    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    newest: anchors.Anchor | None = None
    chain_ok: bool = True
    """The chain verifies, against the newest anchor when there is one."""
    anchors_ok: bool = True
    """Every anchor file verifies and the signatures are the ones the newest anchor counted."""

    @property
    def ok(self) -> bool:
        return not self.problems


# -- signatures ------------------------------------------------------------------------------------------
def signature_facts(until: dt.datetime | None = None) -> tuple[int, int, str]:
    """(revisions signed, signatures, digest) of the signatures of record made up to `until`."""
    from prosedur_web.procedures.models import Signature

    query = Signature.objects.all()
    if until is not None:
        query = query.filter(signed_at__lte=until)
    rows = list(query.values_list("revision__procedure__number", "revision__number", "content_hash",
                                  "record_digest", "meaning", "revision_id"))
    revisions = len({r[5] for r in rows if r[4] == "disahkan"})
    return revisions, len(rows), anchors.signatures_digest((r[0], r[1], r[2], r[3]) for r in rows)


# -- issued revisions --------------------------------------------------------------------------------------
def revision_problems(lang: str = "id") -> tuple[int, list[str]]:
    """(revisions checked, one line per revision whose content or record no longer matches its signature)."""
    from prosedur_web.procedures import records
    from prosedur_web.procedures.models import Revision

    issued = (Revision.objects.filter(Q(signatures__meaning="disahkan")
                                      | Q(status__in=("approved", "effective", "obsolete")))
              .distinct().select_related("procedure").order_by("procedure__number", "number"))
    lines: list[str] = []
    checked = 0
    for revision in issued.iterator(chunk_size=200):
        checked += 1
        codes = records.integrity_problems(revision)
        if codes:
            what = "; ".join(text(f"rev_{c}", lang) if f"rev_{c}" in _KNOWN else text("rev_other", lang, code=c)
                             for c in codes)
            lines.append(text("rev_problem", lang, number=revision.procedure.number, rev=revision.number, what=what))
    return checked, lines


_KNOWN = {"rev_content", "rev_revision_hash", "rev_record", "rev_dates"}


# -- anchors -----------------------------------------------------------------------------------------------
def _key() -> tuple[anchors.AnchorKey | None, anchors.AnchorError | None]:
    try:
        return anchors.configured_key(), None
    except anchors.AnchorError as exc:
        return None, exc


def _recorded_anchors(folder: Path, files: list[anchors.AnchorFile], lang: str) -> list[str]:
    """Every anchor the trail says was written must still be in the folder, byte for byte."""
    by_name = {f.name: f for f in files}
    out = []
    for seq, data in AuditEntry.objects.filter(action=ANCHOR_ACTION).order_by("seq").values_list("seq", "data"):
        name = str(data.get("file", "")) if isinstance(data, dict) else ""
        found = by_name.get(name)
        if found is None or found.anchor is None or found.anchor.sha256 != data.get("sha256"):
            out.append(text("anchor_missing", lang, file=name or "?", seq=seq))
    return out


def audit_check(lang: str = "id", *, max_age_days: int | None = MAX_ANCHOR_AGE_DAYS, revisions: bool = True,
                by: str = "", now: dt.datetime | None = None) -> CheckReport:
    """Chain, anchors and issued revisions (see the module docstring); nothing is written but the checkpoint."""
    report = CheckReport()
    now = now or timezone.now()
    folder = anchors.anchor_dir()
    key, key_error = _key()
    files = anchors.read_all(folder, key)
    for f in files:
        if f.problem:
            report.problems.append(f.message(lang))
            report.anchors_ok = False
    if files and key is None:
        detail = key_error.message(lang) if key_error else ""
        report.problems.append(text("anchor_no_key", lang, n=len(files), detail=detail))
    newest = anchors.newest(files)
    report.newest = newest

    chain = audit_verify_full(by=by, lang=lang, anchor=(newest.seq, newest.hash) if newest else None)
    if chain.ok:
        report.notes.append(text("chain_ok", lang, n=chain.count))
    else:
        report.chain_ok = False
        kinds = {p.kind for p in chain.problems}
        if newest is not None and chain.problems and kinds <= {ChainProblemKind.TRUNCATED}:
            report.problems.append(text("anchor_truncated", lang, file=newest.file, seq=newest.seq,
                                        last=chain.last_seq))
        elif newest is not None and chain.problems and kinds <= {ChainProblemKind.HEAD_MISMATCH}:
            report.problems.append(text("anchor_head", lang, file=newest.file, seq=newest.seq))
        else:
            report.problems.append(text("chain_broken", lang, seq=chain.broken_at, reason=chain.reason))

    report.problems += _recorded_anchors(folder, files, lang)
    if newest is None:
        if not files:
            report.warnings.append(text("anchor_none", lang, dir=folder))
    else:
        facts = signature_facts(newest.until)
        if facts != (newest.revisions, newest.signatures, newest.digest):
            report.problems.append(text("anchor_signatures", lang, file=newest.file,
                                        until=timezone.localtime(newest.until).strftime("%Y-%m-%d %H:%M %z"),
                                        now=facts[0], then=newest.revisions))
            report.anchors_ok = False
        age = (now - newest.created).days
        if max_age_days is not None and max_age_days > 0 and age > max_age_days:
            report.problems.append(text("anchor_old", lang, days=age))
        report.notes.append(text("anchor_ok", lang, file=newest.file, seq=newest.seq, hash=newest.hash[:16],
                                 revisions=newest.revisions))

    if revisions:
        checked, lines = revision_problems(lang)
        report.problems += lines
        if not lines:
            report.notes.append(text("rev_ok", lang, n=checked))
    return report


# -- writing the anchor -----------------------------------------------------------------------------------
def anchor_write(*, now: dt.datetime | None = None, key: anchors.AnchorKey | None = None) -> tuple[Path, anchors.Anchor]:
    """Sign today's anchor and write it (raises `AnchorError` `anchor_exists` when today's is there).

    The head row is locked while the head and the signatures are read and the file is written, so no
    entry is appended in between; the anchor is then itself recorded in the trail (file name and the
    SHA-256 of its bytes), so a later check notices an anchor file that disappears.
    """
    now = now or timezone.now()
    key = key or anchors.configured_key(valid_at=now)
    local = timezone.localtime(now)
    folder = anchors.anchor_dir()
    name = anchors.file_name(local.date())
    if (folder / name).exists():
        raise anchors.AnchorError("anchor_exists", path=folder / name)
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        until = now - anchors.SETTLE
        revisions, count, digest = signature_facts(until)
        body = anchors.anchor_body(
            organisation=key.organisation, created=local, head_seq=head.last_seq, head_hash=head.last_hash,
            until=timezone.localtime(until), revisions=revisions, signatures=count, digest=digest,
            certificate=key.certificate)
        data = anchors.sign_anchor(body, key)
        path = anchors.write_new(folder, name, data)
        written = anchors.read_anchor(name, data, key)
        assert written.anchor is not None and written.verified  # noqa: S101 - we just signed it
        audit_append(actor=None, action=ANCHOR_ACTION,
                     data={"file": name, "seq": head.last_seq, "hash": head.last_hash,
                           "sha256": written.anchor.sha256})
    return path, written.anchor


# -- what the page and the printed report show --------------------------------------------------------------
@dataclass(frozen=True)
class AnchorStatus:
    """The newest anchor as the page and the monthly report print it (cheap: reads the newest files only)."""

    anchor: anchors.Anchor | None
    signature_ok: bool
    chain_ok: bool
    """The entry at the anchor's seq still carries its hash (so the trail was not cut below it)."""
    forged: tuple[str, ...] = ()
    """Newer files in the folder whose signature did not verify."""
    folder: str = ""
    error: str = ""

    def lines(self, lang: str = "id") -> list[str]:
        """The audit anchor part of the monthly management report: seq, hash prefix, date, signature OK."""
        if self.anchor is None:
            return [self.error or text("anchor_none", lang, dir=self.folder)]
        a = self.anchor
        sig = ("sah" if lang != "en" else "valid") if self.signature_ok else ("TIDAK SAH" if lang != "en" else "NOT VALID")
        chain = ("cocok" if lang != "en" else "matches") if self.chain_ok else ("TIDAK COCOK" if lang != "en" else "DOES NOT MATCH")
        when = timezone.localtime(a.created).strftime("%Y-%m-%d %H:%M %z")
        if lang == "en":
            out = [f"Audit anchor {a.file}: entry {a.seq}, hash {a.hash[:16]}…, written {when}, signature {sig}, "
                   f"trail {chain}; {a.revisions} signed revisions; certificate SHA-256 {a.fingerprint[:16]}…"]
        else:
            out = [f"Jangkar audit {a.file}: entri {a.seq}, hash {a.hash[:16]}…, ditulis {when}, tanda tangan {sig}, "
                   f"jejak {chain}; {a.revisions} revisi disahkan; sertifikat SHA-256 {a.fingerprint[:16]}…"]
        out += [text("anchor_bad_signature", lang, file=name) for name in self.forged]
        return out


def anchor_status(lang: str = "id") -> AnchorStatus:
    """The newest anchor whose signature verifies, and the newer files that did not (read newest first)."""
    folder = anchors.anchor_dir()
    key, key_error = _key()
    forged: list[str] = []
    for name in reversed(anchors.anchor_names(folder)):
        f = anchors.read_file(folder, name, key)
        if key is None and f.anchor is not None:  # readable, but nothing to check its signature against
            return AnchorStatus(f.anchor, False, _chain_holds(f.anchor), (), str(folder),
                                key_error.message(lang) if key_error else "")
        if f.verified and f.anchor is not None:
            return AnchorStatus(f.anchor, True, _chain_holds(f.anchor), tuple(forged), str(folder))
        forged.append(name)
    return AnchorStatus(None, False, False, tuple(forged), str(folder))


def _chain_holds(a: anchors.Anchor) -> bool:
    if a.seq == 0:
        return True
    return AuditEntry.objects.filter(seq=a.seq, hash=a.hash).exists()
