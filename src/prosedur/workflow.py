"""Document-control lifecycle: a table of guarded transitions between revision states.

A revision of a procedure moves Draf → Ditinjau → Disetujui → Berlaku → Kedaluwarsa
(`Status`); a draft may be discarded and an approved revision cancelled before it takes effect
(Dibatalkan), a submission withdrawn or sent back to draft, and a procedure withdrawn (dicabut):
its effective revision becomes obsolete with a reason and a date and no successor. Every move is an `Action`; the table `TRANSITIONS` says from which states an action is
allowed, where it leads and which guards must pass. Guards are pure functions of `Facts` returning
every reason to refuse (collected, not first-failure, so the web app can show them all next to a
disabled button).

Two levels:

* `transition(state, action, **facts)` answers for one revision: the new state, or
  `TransitionRefused` (a `TransitionError`) carrying the bilingual reasons.
* `plan(revisions, revision, action, **facts)` answers for a whole procedure: the list of
  `StatusChange`s to store, including the side effects that keep the invariants true by
  construction — the previous effective revision becomes obsolete when a newer one takes effect,
  approval on or after the effective date passes through *approved* to *effective* (no state is
  skipped), and *start revision* creates revision n + 1 as a draft.

The core holds no clock and no database: "today" and every fact (who wrote it, open comments,
reviewers' agreement, lint errors) are passed in by the caller, which keeps this testable.

Messages live in the local catalogue `MESSAGES` (same `(id, en)` shape as `prosedur.i18n`), so this
module does not have to edit the shared catalogue; `Reason.message` falls back to `i18n.t`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any

from .errors import TransitionError
from .i18n import t
from .model import Status

__all__ = [
    "ACTION_LABELS",
    "EDGES",
    "EDITABLE",
    "ENDED",
    "FROZEN",
    "IN_PROGRESS",
    "INITIAL",
    "MESSAGES",
    "STATUS_LABELS",
    "TRANSITIONS",
    "Action",
    "Facts",
    "Reason",
    "RevisionKind",
    "Rule",
    "StatusChange",
    "TransitionRefused",
    "allowed_actions",
    "carry_acknowledgements",
    "check",
    "plan",
    "transition",
]


class Action(StrEnum):
    """What a person can do to a revision."""

    SUBMIT = "submit"
    """Ajukan untuk ditinjau: draft → in_review."""
    REQUEST_CHANGES = "request_changes"
    """Minta perbaikan: in_review → draft."""
    APPROVE = "approve"
    """Sahkan (tanda tangan): in_review → approved, and on to effective if its date has come."""
    MAKE_EFFECTIVE = "make_effective"
    """Berlakukan pada tanggal efektif: approved → effective."""
    OBSOLETE = "obsolete"
    """Nyatakan kedaluwarsa (digantikan revisi lebih baru atau dicabut): effective → obsolete."""
    START_REVISION = "start_revision"
    """Mulai revisi: a new draft (revision + 1) from the effective revision."""
    WITHDRAW_SUBMISSION = "withdraw_submission"
    """Tarik kembali pengajuan: the author takes a revision back from review, in_review → draft."""
    SEND_BACK = "send_back"
    """Kembalikan ke penyusun: the approving official sends it back with a reason, in_review → draft."""
    DISCARD = "discard"
    """Buang draf: a draft that will not be pursued, draft → cancelled (a new revision can then start)."""
    CANCEL = "cancel"
    """Batalkan pengesahan: an approved revision that has not taken effect, approved → cancelled."""
    WITHDRAW_PROCEDURE = "withdraw_procedure"
    """Cabut prosedur: the effective revision becomes obsolete with a reason and a date, no successor."""


class RevisionKind(StrEnum):
    """Revisi minor keeps readers' acknowledgements; revisi mayor asks everyone to read it again."""

    MINOR = "minor"
    MAJOR = "major"


INITIAL = Status.DRAFT
"""The state of a newly created revision (revision 0 of a new procedure, or a started revision)."""

IN_PROGRESS: frozenset[Status] = frozenset({Status.DRAFT, Status.IN_REVIEW, Status.APPROVED})
ENDED: frozenset[Status] = frozenset({Status.OBSOLETE, Status.CANCELLED})
"""Nothing leaves these states."""
"""Not yet in force; a procedure has at most one revision in progress."""
EDITABLE: frozenset[Status] = frozenset({Status.DRAFT})
"""Only a draft's content may change."""
FROZEN: frozenset[Status] = frozenset({Status.APPROVED, Status.EFFECTIVE, Status.OBSOLETE, Status.CANCELLED})
"""Signed content: immutable, bound by its content hash."""

EDGES: frozenset[tuple[Status, Status]] = frozenset(
    {
        (Status.DRAFT, Status.IN_REVIEW),
        (Status.IN_REVIEW, Status.DRAFT),
        (Status.IN_REVIEW, Status.APPROVED),
        (Status.APPROVED, Status.EFFECTIVE),
        (Status.EFFECTIVE, Status.OBSOLETE),
        (Status.DRAFT, Status.CANCELLED),
        (Status.APPROVED, Status.CANCELLED),
    }
)
"""Every single step a revision's status may take; anything else would skip a state."""

# key -> (Indonesian, English), placeholders in str.format style, as in prosedur.i18n.
MESSAGES: dict[str, tuple[str, str]] = {
    "wf_wrong_state": (
        "tindakan '{action}' tidak dapat dilakukan pada revisi berstatus {state}",
        "action '{action}' is not possible on a revision that is {state}",
    ),
    "wf_unknown_fact": ("fakta tidak dikenal: {name}", "unknown fact: {name}"),
    "wf_no_actor": ("pelaku tindakan tidak diketahui", "the person acting is not known"),
    "wf_author_approves": (
        "siapa pun yang menyusun, mengubah, atau mengajukan revisi ini tidak boleh mengesahkannya",
        "nobody who wrote, changed or submitted this revision may approve it",
    ),
    "wf_open_comments": (
        "masih ada {count} komentar tinjauan yang belum diselesaikan",
        "{count} review comment(s) are still open",
    ),
    "wf_no_reviewers": ("belum ada peninjau yang ditetapkan", "no reviewer has been assigned"),
    "wf_reviewers_pending": (
        "peninjau belum semuanya setuju: {names}",
        "not all reviewers have agreed yet: {names}",
    ),
    "wf_lint_errors": (
        "pemeriksaan menemukan {count} galat yang harus diperbaiki",
        "the checker reports {count} error(s) to fix",
    ),
    "wf_history_missing": (
        "riwayat perubahan belum memuat entri untuk revisi {revision}",
        "the change history has no entry for revision {revision}",
    ),
    "wf_changes_unexplained": (
        "sebutkan perbaikan yang diminta (komentar atau alasan)",
        "say which changes are needed (a comment or a reason)",
    ),
    "wf_no_effective_date": ("tanggal efektif belum ditetapkan", "the effective date is not set"),
    "wf_not_yet_effective": (
        "tanggal efektif {date} belum tiba",
        "the effective date {date} has not come yet",
    ),
    "wf_obsolete_reason": (
        "revisi hanya kedaluwarsa bila digantikan revisi yang lebih baru atau dicabut dengan alasan",
        "a revision becomes obsolete only when a newer revision supersedes it or it is withdrawn with a reason",
    ),
    "wf_superseded_by_older": (
        "revisi {by} tidak lebih baru dari revisi {revision}",
        "revision {by} is not newer than revision {revision}",
    ),
    "wf_revision_in_progress": (
        "revisi {revision} masih dalam proses; selesaikan atau batalkan dulu",
        "revision {revision} is still in progress; finish or discard it first",
    ),
    "wf_older_than_effective": (
        "revisi {revision} lebih lama dari revisi berlaku {effective}",
        "revision {revision} is older than the effective revision {effective}",
    ),
    "wf_unknown_revision": ("revisi {revision} tidak ada", "revision {revision} does not exist"),
    "wf_not_the_author": (
        "hanya penyusun revisi ini yang dapat menarik kembali pengajuannya",
        "only the author of this revision can withdraw its submission",
    ),
    "wf_reason_needed": ("sebutkan alasannya", "give the reason"),
    "wf_withdrawal_date_needed": ("tanggal pencabutan belum ditetapkan", "the date of withdrawal is not set"),
    "wf_withdrawal_date_future": (
        "tanggal pencabutan {date} belum tiba; cabut pada hari itu",
        "the date of withdrawal {date} has not come yet; withdraw on that day",
    ),
    "wf_withdraw_in_progress": (
        "revisi {revision} masih dalam proses; batalkan dulu sebelum prosedur dicabut",
        "revision {revision} is still in progress; cancel it before the procedure is withdrawn",
    ),
}

STATUS_LABELS: dict[Status, tuple[str, str]] = {
    Status.DRAFT: ("Draf", "Draft"),
    Status.IN_REVIEW: ("Ditinjau", "In review"),
    Status.APPROVED: ("Disetujui", "Approved"),
    Status.EFFECTIVE: ("Berlaku", "Effective"),
    Status.OBSOLETE: ("Kedaluwarsa", "Obsolete"),
    Status.CANCELLED: ("Dibatalkan", "Cancelled"),
}

ACTION_LABELS: dict[Action, tuple[str, str]] = {
    Action.SUBMIT: ("Ajukan untuk ditinjau", "Submit for review"),
    Action.REQUEST_CHANGES: ("Minta perbaikan", "Request changes"),
    Action.APPROVE: ("Sahkan", "Approve"),
    Action.MAKE_EFFECTIVE: ("Berlakukan", "Make effective"),
    Action.OBSOLETE: ("Nyatakan kedaluwarsa", "Make obsolete"),
    Action.START_REVISION: ("Mulai revisi", "Start revision"),
    Action.WITHDRAW_SUBMISSION: ("Tarik kembali pengajuan", "Withdraw the submission"),
    Action.SEND_BACK: ("Kembalikan ke penyusun", "Send back to the author"),
    Action.DISCARD: ("Buang draf", "Discard the draft"),
    Action.CANCEL: ("Batalkan pengesahan", "Cancel the approval"),
    Action.WITHDRAW_PROCEDURE: ("Cabut prosedur", "Withdraw the procedure"),
}


def _label(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


@dataclass(frozen=True)
class Reason:
    """One reason a transition is refused: a message id and its parameters, translated late."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "id") -> str:
        pair = MESSAGES.get(self.key)
        if pair is None:
            return t(self.key, lang, **self.params)
        params = {
            k: _label(STATUS_LABELS[v], lang) if isinstance(v, Status)
            else _label(ACTION_LABELS[v], lang) if isinstance(v, Action)
            else v
            for k, v in self.params.items()
        }
        try:
            return _label(pair, lang).format(**params)
        except (KeyError, IndexError):
            return _label(pair, lang)


class TransitionRefused(TransitionError):
    """A transition that the table or a guard does not allow; holds every reason."""

    def __init__(self, action: Action, state: Status | None, reasons: list[Reason]):
        self.action = action
        self.state = state
        self.reasons = reasons
        super().__init__(self.message())

    def message(self, lang: str = "id") -> str:
        return "; ".join(r.message(lang) for r in self.reasons)


def _norm(person: str | None) -> str:
    """People are compared by identifier, ignoring case and surrounding space."""
    return (person or "").strip().casefold()


@dataclass(frozen=True)
class Facts:
    """What the caller knows about the revision and the people involved when acting on it."""

    actor: str | None = None
    """Who performs the action (user id or name; compared case-insensitively)."""
    author: str | None = None
    """Who wrote (disusun) the revision."""
    contributors: Collection[str] = ()
    """Everyone who saved any version of the revision's content or submitted it (the author too)."""
    revision: int = 0
    """The revision number acted on."""
    history: Collection[int] = ()
    """Revision numbers present in the procedure's change history."""
    reviewers: Collection[str] = ()
    """Assigned reviewers (peninjau)."""
    agreed: Collection[str] = ()
    """Reviewers who have agreed."""
    open_comments: int = 0
    """Review comments not yet resolved."""
    lint_errors: int = 0
    """Findings of severity error reported by the linter for this revision."""
    effective_date: dt.date | None = None
    """Tanggal efektif written in the revision."""
    today: dt.date | None = None
    """The caller's date (in the organisation's time zone); defaults to the system date."""
    comment: str = ""
    """Why changes are requested, or why a revision is withdrawn."""
    open_revision: int | None = None
    """Another revision of the same procedure still in progress, if any."""
    superseded_by: int | None = None
    """The newer revision that takes effect and makes this one obsolete."""
    kind: RevisionKind = RevisionKind.MINOR
    """Minor or major, for a started revision."""
    withdrawn_on: dt.date | None = None
    """The date a withdrawn procedure stops being in force (dicabut per tanggal)."""

    @property
    def date(self) -> dt.date:
        return self.today or dt.date.today()


Guard = Callable[[Facts], list[Reason]]


def guard_actor_known(f: Facts) -> list[Reason]:
    return [] if _norm(f.actor) else [Reason("wf_no_actor")]


def guard_not_author(f: Facts) -> list[Reason]:
    """Nobody approves what they wrote, changed or submitted (four-eyes principle)."""
    writers = {_norm(w) for w in (f.author, *f.contributors) if _norm(w)}
    if _norm(f.actor) and _norm(f.actor) in writers:
        return [Reason("wf_author_approves")]
    return []


def guard_no_open_comments(f: Facts) -> list[Reason]:
    return [Reason("wf_open_comments", {"count": f.open_comments})] if f.open_comments > 0 else []


def guard_reviewers_agreed(f: Facts) -> list[Reason]:
    """Evidence of review (ISO/TR 10013 4.5.3): at least one reviewer, and every one agreed."""
    if not f.reviewers:
        return [Reason("wf_no_reviewers")]
    agreed = {_norm(a) for a in f.agreed}
    pending = sorted(r for r in f.reviewers if _norm(r) not in agreed)
    return [Reason("wf_reviewers_pending", {"names": ", ".join(pending)})] if pending else []


def guard_no_lint_errors(f: Facts) -> list[Reason]:
    return [Reason("wf_lint_errors", {"count": f.lint_errors})] if f.lint_errors > 0 else []


def guard_history_entry(f: Facts) -> list[Reason]:
    """A revision after the first must say what changed (riwayat perubahan, ISO/TR 10013 4.5.4)."""
    if f.revision > 0 and f.revision not in set(f.history):
        return [Reason("wf_history_missing", {"revision": f.revision})]
    return []


def guard_changes_explained(f: Facts) -> list[Reason]:
    return [] if f.comment.strip() or f.open_comments > 0 else [Reason("wf_changes_unexplained")]


def guard_effective_date_reached(f: Facts) -> list[Reason]:
    if f.effective_date is None:
        return [Reason("wf_no_effective_date")]
    if f.effective_date > f.date:
        return [Reason("wf_not_yet_effective", {"date": f.effective_date.isoformat()})]
    return []


def guard_obsolete_reason(f: Facts) -> list[Reason]:
    """Obsolete means superseded by a newer revision, or withdrawn for a stated reason."""
    if f.superseded_by is not None:
        if f.superseded_by <= f.revision:
            return [Reason("wf_superseded_by_older", {"by": f.superseded_by, "revision": f.revision})]
        return []
    return [] if f.comment.strip() else [Reason("wf_obsolete_reason")]


def guard_nothing_in_progress(f: Facts) -> list[Reason]:
    """One revision in progress at a time, so two drafts never race to become effective."""
    if f.open_revision is not None:
        return [Reason("wf_revision_in_progress", {"revision": f.open_revision})]
    return []


def guard_actor_is_writer(f: Facts) -> list[Reason]:
    """Only who wrote or submitted the revision takes the submission back."""
    writers = {_norm(w) for w in (f.author, *f.contributors) if _norm(w)}
    return [] if _norm(f.actor) and _norm(f.actor) in writers else [Reason("wf_not_the_author")]


def guard_reason_given(f: Facts) -> list[Reason]:
    return [] if f.comment.strip() else [Reason("wf_reason_needed")]


def guard_withdrawal_date(f: Facts) -> list[Reason]:
    if f.withdrawn_on is None:
        return [Reason("wf_withdrawal_date_needed")]
    if f.withdrawn_on > f.date:
        return [Reason("wf_withdrawal_date_future", {"date": f.withdrawn_on.isoformat()})]
    return []


def guard_nothing_in_progress_to_withdraw(f: Facts) -> list[Reason]:
    """A procedure withdrawn with a draft still under way would leave the draft able to take effect."""
    if f.open_revision is not None:
        return [Reason("wf_withdraw_in_progress", {"revision": f.open_revision})]
    return []


@dataclass(frozen=True)
class Rule:
    """One row of the transition table."""

    action: Action
    sources: frozenset[Status]
    target: Status
    guards: tuple[Guard, ...] = ()


TRANSITIONS: dict[Action, Rule] = {
    rule.action: rule
    for rule in (
        Rule(Action.SUBMIT, frozenset({Status.DRAFT}), Status.IN_REVIEW, (guard_history_entry,)),
        Rule(Action.REQUEST_CHANGES, frozenset({Status.IN_REVIEW}), Status.DRAFT, (guard_changes_explained,)),
        Rule(
            Action.APPROVE,
            frozenset({Status.IN_REVIEW}),
            Status.APPROVED,
            (
                guard_actor_known,
                guard_not_author,
                guard_no_open_comments,
                guard_reviewers_agreed,
                guard_no_lint_errors,
                guard_history_entry,
            ),
        ),
        Rule(
            Action.MAKE_EFFECTIVE,
            frozenset({Status.APPROVED}),
            Status.EFFECTIVE,
            (guard_effective_date_reached,),
        ),
        Rule(Action.OBSOLETE, frozenset({Status.EFFECTIVE}), Status.OBSOLETE, (guard_obsolete_reason,)),
        # The target is the state of the *new* revision; the effective one stays effective until the
        # new revision takes effect (then `plan` makes it obsolete).
        Rule(
            Action.START_REVISION,
            frozenset({Status.EFFECTIVE}),
            INITIAL,
            (guard_nothing_in_progress,),
        ),
        Rule(Action.WITHDRAW_SUBMISSION, frozenset({Status.IN_REVIEW}), Status.DRAFT, (guard_actor_is_writer,)),
        Rule(Action.SEND_BACK, frozenset({Status.IN_REVIEW}), Status.DRAFT, (guard_actor_known, guard_reason_given)),
        Rule(Action.DISCARD, frozenset({Status.DRAFT}), Status.CANCELLED, (guard_actor_known, guard_reason_given)),
        Rule(Action.CANCEL, frozenset({Status.APPROVED}), Status.CANCELLED, (guard_actor_known, guard_reason_given)),
        Rule(
            Action.WITHDRAW_PROCEDURE,
            frozenset({Status.EFFECTIVE}),
            Status.OBSOLETE,
            (guard_actor_known, guard_reason_given, guard_withdrawal_date, guard_nothing_in_progress_to_withdraw),
        ),
    )
}

_FACT_NAMES = frozenset(f.name for f in fields(Facts))


def _facts(values: Mapping[str, Any]) -> Facts:
    unknown = sorted(set(values) - _FACT_NAMES)
    if unknown:
        raise TypeError(Reason("wf_unknown_fact", {"name": ", ".join(unknown)}).message("en"))
    return Facts(**values)


def _reasons(state: Status, rule: Rule, facts: Facts) -> list[Reason]:
    if state not in rule.sources:
        return [Reason("wf_wrong_state", {"action": rule.action, "state": state})]
    reasons: list[Reason] = []
    for guard in rule.guards:
        reasons.extend(guard(facts))
    return reasons


def _path(state: Status, action: Action, facts: Facts) -> list[Status]:
    """The states a revision passes through: usually one, two when approval is also the effective day."""
    rule = TRANSITIONS[Action(action)]
    reasons = _reasons(Status(state), rule, facts)
    if reasons:
        raise TransitionRefused(rule.action, Status(state), reasons)
    if rule.action is Action.APPROVE and facts.effective_date is not None and facts.effective_date <= facts.date:
        return [Status.APPROVED, Status.EFFECTIVE]
    return [rule.target]


def check(state: Status, action: Action, **facts: Any) -> list[Reason]:
    """Every reason `action` is not allowed from `state` (empty when it is)."""
    return _reasons(Status(state), TRANSITIONS[Action(action)], _facts(facts))


def allowed_actions(state: Status, **facts: Any) -> dict[Action, list[Reason]]:
    """Each action possible from `state` with its refusal reasons, for buttons and their tooltips."""
    f = _facts(facts)
    return {
        rule.action: _reasons(Status(state), rule, f)
        for rule in TRANSITIONS.values()
        if Status(state) in rule.sources
    }


def transition(state: Status, action: Action, **facts: Any) -> Status:
    """The state after `action`, or `TransitionRefused` with every reason it is not allowed.

    For `START_REVISION` the result is the state of the new revision (draft).
    """
    return _path(Status(state), Action(action), _facts(facts))[-1]


@dataclass(frozen=True)
class StatusChange:
    """One step to store: revision `revision` goes from `old` (None: created) to `new`."""

    revision: int
    old: Status | None
    new: Status
    action: Action


def plan(revisions: Mapping[int, Status], revision: int, action: Action, **facts: Any) -> list[StatusChange]:
    """Every status change `action` on `revision` causes across the procedure's `revisions`.

    `revision` and `open_revision` facts are filled in from `revisions`; `superseded_by` is set
    for the revision a newer one replaces. Raises `TransitionRefused` if anything is not allowed.
    """
    action = Action(action)
    if revision not in revisions:
        raise TransitionRefused(action, None, [Reason("wf_unknown_revision", {"revision": revision})])
    state = Status(revisions[revision])
    in_progress = [n for n, s in revisions.items() if s in IN_PROGRESS and n != revision]
    values = {"revision": revision, "open_revision": max(in_progress) if in_progress else None, **facts}
    f = _facts(values)

    if action is Action.START_REVISION:
        _path(state, action, f)
        return [StatusChange(max(revisions) + 1, None, INITIAL, action)]

    changes: list[StatusChange] = []
    old: Status = state
    for new in _path(state, action, f):
        changes.append(StatusChange(revision, old, new, action))
        old = new
    if changes[-1].new is Status.EFFECTIVE:
        for number, other in sorted(revisions.items()):
            if number != revision and other is Status.EFFECTIVE:
                if number > revision:
                    reason = Reason("wf_older_than_effective", {"revision": revision, "effective": number})
                    raise TransitionRefused(action, state, [reason])
                superseded = _facts({**values, "revision": number, "superseded_by": revision})
                _path(other, Action.OBSOLETE, superseded)
                changes.append(StatusChange(number, other, Status.OBSOLETE, Action.OBSOLETE))
    return changes


def carry_acknowledgements(kind: RevisionKind, acknowledged: Collection[str]) -> frozenset[str]:
    """Who still counts as having read the procedure after a revision of `kind` takes effect.

    A minor revision (typo, contact details) keeps the acknowledgements of the socialisation; a
    major one changes what people must do, so everyone acknowledges again.
    """
    return frozenset(acknowledged) if RevisionKind(kind) is RevisionKind.MINOR else frozenset()
