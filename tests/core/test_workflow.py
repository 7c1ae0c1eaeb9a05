"""The lifecycle table, its guards, and a stateful model of a procedure's revisions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from prosedur.errors import ProsedurError, TransitionError
from prosedur.model import Status
from prosedur.workflow import (
    EDGES,
    INITIAL,
    TRANSITIONS,
    Action,
    RevisionKind,
    StatusChange,
    TransitionRefused,
    allowed_actions,
    carry_acknowledgements,
    check,
    plan,
    transition,
)

TODAY = dt.date(2024, 3, 5)

# Facts under which approval passes every guard; tests spoil one at a time.
GOOD_APPROVAL: dict[str, Any] = {
    "actor": "bambang",
    "author": "rina",
    "revision": 1,
    "history": [0, 1],
    "reviewers": ["agus"],
    "agreed": ["agus"],
    "open_comments": 0,
    "lint_errors": 0,
    "effective_date": dt.date(2024, 4, 1),
    "today": TODAY,
}


def keys(reasons: list[Any]) -> list[str]:
    return [r.key for r in reasons]


def test_table_edges_are_exactly_the_lifecycle() -> None:
    produced = {(s, r.target) for r in TRANSITIONS.values() if r.action is not Action.START_REVISION for s in r.sources}
    assert produced == set(EDGES)


def test_happy_path_of_one_revision() -> None:
    state = INITIAL
    state = transition(state, Action.SUBMIT, revision=1, history=[1])
    assert state is Status.IN_REVIEW
    state = transition(state, Action.APPROVE, **GOOD_APPROVAL)
    assert state is Status.APPROVED
    state = transition(state, Action.MAKE_EFFECTIVE, effective_date=dt.date(2024, 4, 1), today=dt.date(2024, 4, 1))
    assert state is Status.EFFECTIVE
    assert transition(state, Action.OBSOLETE, revision=1, superseded_by=2) is Status.OBSOLETE


def test_approval_on_or_after_the_effective_date_makes_it_effective() -> None:
    assert transition(Status.IN_REVIEW, Action.APPROVE, **{**GOOD_APPROVAL, "effective_date": TODAY}) is Status.EFFECTIVE
    earlier = {**GOOD_APPROVAL, "effective_date": TODAY - dt.timedelta(days=3)}
    assert transition(Status.IN_REVIEW, Action.APPROVE, **earlier) is Status.EFFECTIVE
    later = {**GOOD_APPROVAL, "effective_date": TODAY + dt.timedelta(days=1)}
    assert transition(Status.IN_REVIEW, Action.APPROVE, **later) is Status.APPROVED
    assert transition(Status.IN_REVIEW, Action.APPROVE, **{**GOOD_APPROVAL, "effective_date": None}) is Status.APPROVED


@pytest.mark.parametrize(
    ("spoil", "expected"),
    [
        ({"actor": "Rina "}, "wf_author_approves"),
        ({"actor": None}, "wf_no_actor"),
        ({"open_comments": 2}, "wf_open_comments"),
        ({"agreed": []}, "wf_reviewers_pending"),
        ({"reviewers": ["agus", "dewi"]}, "wf_reviewers_pending"),
        ({"reviewers": [], "agreed": []}, "wf_no_reviewers"),
        ({"lint_errors": 1}, "wf_lint_errors"),
        ({"history": [0]}, "wf_history_missing"),
    ],
)
def test_each_approval_guard_refuses(spoil: dict[str, Any], expected: str) -> None:
    facts = {**GOOD_APPROVAL, **spoil}
    assert keys(check(Status.IN_REVIEW, Action.APPROVE, **facts)) == [expected]
    with pytest.raises(TransitionError) as info:
        transition(Status.IN_REVIEW, Action.APPROVE, **facts)
    assert isinstance(info.value, ProsedurError)
    assert info.value.exit_code == 1


def test_every_reason_is_collected_and_translated() -> None:
    facts = {**GOOD_APPROVAL, "actor": "rina", "open_comments": 3, "lint_errors": 2, "agreed": []}
    with pytest.raises(TransitionRefused) as info:
        transition(Status.IN_REVIEW, Action.APPROVE, **facts)
    err = info.value
    assert keys(err.reasons) == ["wf_author_approves", "wf_open_comments", "wf_reviewers_pending", "wf_lint_errors"]
    assert "tidak boleh mengesahkannya" in err.message("id")
    assert "3 review comment(s) are still open" in err.message("en")
    assert "agus" in err.message("en")
    assert str(err) == err.message("id")


def test_wrong_state_names_the_state_in_both_languages() -> None:
    reasons = check(Status.DRAFT, Action.APPROVE, **GOOD_APPROVAL)
    assert keys(reasons) == ["wf_wrong_state"]
    assert reasons[0].message("id") == "tindakan 'Sahkan' tidak dapat dilakukan pada revisi berstatus Draf"
    assert reasons[0].message("en") == "action 'Approve' is not possible on a revision that is Draft"


def test_no_action_leaves_obsolete() -> None:
    assert allowed_actions(Status.OBSOLETE) == {}
    for action in Action:
        with pytest.raises(TransitionRefused):
            transition(Status.OBSOLETE, action, **GOOD_APPROVAL)


def test_submit_needs_history_entry_for_new_revision_only() -> None:
    assert transition(Status.DRAFT, Action.SUBMIT, revision=0) is Status.IN_REVIEW
    assert keys(check(Status.DRAFT, Action.SUBMIT, revision=2, history=[0, 1])) == ["wf_history_missing"]
    assert check(Status.DRAFT, Action.SUBMIT, revision=2, history=[0, 1, 2]) == []


def test_request_changes_must_say_what() -> None:
    assert keys(check(Status.IN_REVIEW, Action.REQUEST_CHANGES)) == ["wf_changes_unexplained"]
    assert transition(Status.IN_REVIEW, Action.REQUEST_CHANGES, comment="Langkah 3 kurang jelas") is Status.DRAFT
    assert transition(Status.IN_REVIEW, Action.REQUEST_CHANGES, open_comments=1) is Status.DRAFT


def test_make_effective_waits_for_the_date() -> None:
    assert keys(check(Status.APPROVED, Action.MAKE_EFFECTIVE, today=TODAY)) == ["wf_no_effective_date"]
    later = TODAY + dt.timedelta(days=1)
    assert keys(check(Status.APPROVED, Action.MAKE_EFFECTIVE, effective_date=later, today=TODAY)) == [
        "wf_not_yet_effective"
    ]
    assert transition(Status.APPROVED, Action.MAKE_EFFECTIVE, effective_date=later, today=later) is Status.EFFECTIVE


def test_obsolete_needs_a_newer_revision_or_a_reason() -> None:
    assert keys(check(Status.EFFECTIVE, Action.OBSOLETE, revision=2)) == ["wf_obsolete_reason"]
    assert keys(check(Status.EFFECTIVE, Action.OBSOLETE, revision=2, superseded_by=2)) == ["wf_superseded_by_older"]
    assert transition(Status.EFFECTIVE, Action.OBSOLETE, revision=2, comment="Layanan dihentikan") is Status.OBSOLETE


def test_unknown_fact_is_a_programming_error() -> None:
    with pytest.raises(TypeError, match="approver"):
        transition(Status.IN_REVIEW, Action.APPROVE, approver="x")


def test_allowed_actions_lists_buttons_with_reasons() -> None:
    actions = allowed_actions(Status.IN_REVIEW, **{**GOOD_APPROVAL, "lint_errors": 1})
    assert set(actions) == {Action.APPROVE, Action.REQUEST_CHANGES, Action.WITHDRAW_SUBMISSION, Action.SEND_BACK}
    assert keys(actions[Action.APPROVE]) == ["wf_lint_errors"]


def test_plan_supersedes_the_effective_revision() -> None:
    revisions = {0: Status.EFFECTIVE, 1: Status.APPROVED}
    changes = plan(revisions, 1, Action.MAKE_EFFECTIVE, effective_date=TODAY, today=TODAY)
    assert changes == [
        StatusChange(1, Status.APPROVED, Status.EFFECTIVE, Action.MAKE_EFFECTIVE),
        StatusChange(0, Status.EFFECTIVE, Status.OBSOLETE, Action.OBSOLETE),
    ]


def test_plan_approval_passes_through_approved() -> None:
    revisions = {0: Status.OBSOLETE, 1: Status.EFFECTIVE, 2: Status.IN_REVIEW}
    facts = {**GOOD_APPROVAL, "history": [0, 1, 2], "effective_date": TODAY}
    del facts["revision"]
    changes = plan(revisions, 2, Action.APPROVE, **facts)
    assert [(c.revision, c.old, c.new) for c in changes] == [
        (2, Status.IN_REVIEW, Status.APPROVED),
        (2, Status.APPROVED, Status.EFFECTIVE),
        (1, Status.EFFECTIVE, Status.OBSOLETE),
    ]


def test_plan_start_revision_numbers_and_single_draft() -> None:
    assert plan({0: Status.EFFECTIVE}, 0, Action.START_REVISION) == [
        StatusChange(1, None, Status.DRAFT, Action.START_REVISION)
    ]
    with pytest.raises(TransitionRefused) as info:
        plan({0: Status.EFFECTIVE, 1: Status.IN_REVIEW}, 0, Action.START_REVISION)
    assert keys(info.value.reasons) == ["wf_revision_in_progress"]
    with pytest.raises(TransitionRefused):
        plan({0: Status.EFFECTIVE}, 3, Action.START_REVISION)


def test_plan_refuses_an_older_revision_over_a_newer_effective_one() -> None:
    with pytest.raises(TransitionRefused) as info:
        plan({1: Status.APPROVED, 2: Status.EFFECTIVE}, 1, Action.MAKE_EFFECTIVE, effective_date=TODAY, today=TODAY)
    assert keys(info.value.reasons) == ["wf_older_than_effective"]


def test_minor_keeps_acknowledgements_major_resets() -> None:
    acks = {"ani", "budi"}
    assert carry_acknowledgements(RevisionKind.MINOR, acks) == frozenset(acks)
    assert carry_acknowledgements(RevisionKind.MAJOR, acks) == frozenset()
    assert carry_acknowledgements("major", acks) == frozenset()


# -- stateful model -----------------------------------------------------------------------------

PEOPLE = ["agus", "bambang", "rina", "dewi"]


class _Rev:
    """The machine's own record of one revision; a new draft starts complete, rules spoil it."""

    def __init__(self, number: int, author: str, kind: RevisionKind, today: dt.date):
        self.number = number
        self.author = author
        self.kind = kind
        self.trail: list[Status] = [INITIAL]
        self.history: set[int] = {number}
        self.reviewers: list[str] = [PEOPLE[0]]
        self.agreed: set[str] = set()
        self.comments = 0
        self.lint_errors = 0
        self.approver: str | None = None
        self.effective_date: dt.date | None = today

    @property
    def status(self) -> Status:
        return self.trail[-1]


def _current_in(*states: Status) -> Any:
    """Run the rule only while the newest revision is in one of `states` (keeps runs deep)."""
    return precondition(lambda self: self.current().status in states)


class ProcedureRevisions(RuleBasedStateMachine):
    """Random people do random things to a procedure's revisions; the guards hold the line."""

    def __init__(self) -> None:
        super().__init__()
        self.today = TODAY
        self.revs: dict[int, _Rev] = {0: _Rev(0, "dewi", RevisionKind.MAJOR, self.today)}
        self.acks: frozenset[str] = frozenset()
        self.refused = 0

    def statuses(self) -> dict[int, Status]:
        return {n: r.status for n, r in self.revs.items()}

    def apply(self, number: int, action: Action, facts: dict[str, Any]) -> list[StatusChange] | None:
        before = self.statuses()
        try:
            changes = plan(before, number, action, today=self.today, **facts)
        except TransitionRefused as err:
            assert err.reasons
            assert self.statuses() == before
            self.refused += 1
            return None
        for change in changes:
            if change.old is None:
                assert change.revision not in self.revs
                author = facts.get("actor") or "dewi"
                kind = facts.get("kind", RevisionKind.MINOR)
                self.revs[change.revision] = _Rev(change.revision, author, kind, self.today)
            else:
                rev = self.revs[change.revision]
                assert rev.status is change.old
                rev.trail.append(change.new)
                if change.new is Status.EFFECTIVE:
                    self.acks = carry_acknowledgements(rev.kind, self.acks)
        return changes

    def facts_for(self, rev: _Rev, actor: str) -> dict[str, Any]:
        return {
            "actor": actor,
            "author": rev.author,
            "history": sorted(rev.history),
            "reviewers": rev.reviewers,
            "agreed": sorted(rev.agreed),
            "open_comments": rev.comments,
            "lint_errors": rev.lint_errors,
            "effective_date": rev.effective_date,
        }

    person = st.sampled_from(PEOPLE)

    def current(self) -> _Rev:
        return self.revs[max(self.revs)]

    # -- editing a draft and reviewing it (facts, not transitions) --------------------------------
    @_current_in(Status.DRAFT)
    @rule(reviewers=st.lists(person, min_size=1, max_size=2, unique=True) | st.just([]),
          lint=st.sampled_from([0, 0, 0, 1]), history=st.sampled_from([True, True, False]),
          days=st.integers(-5, 10))
    def edit_draft(self, reviewers: list[str], lint: int, history: bool, days: int) -> None:
        self._edit(self.current().number, reviewers, lint, history, days)

    def _edit(self, n: int, reviewers: list[str], lint: int, history: bool, days: int) -> None:
        rev = self.revs[n]
        rev.reviewers = reviewers
        rev.agreed &= set(reviewers)
        rev.lint_errors = lint
        if history:
            rev.history.add(n)
        else:
            rev.history.discard(n)
        rev.effective_date = self.today + dt.timedelta(days=days)

    @_current_in(Status.IN_REVIEW)
    @rule(data=st.data(), agree=st.sampled_from([True, True, False]), comment=st.sampled_from([0, 0, 0, 1, -1]))
    def review(self, data: st.DataObject, agree: bool, comment: int) -> None:
        rev = self.current()
        if rev.reviewers:
            reviewer = data.draw(st.sampled_from(rev.reviewers), label="reviewer")
            if agree:
                rev.agreed.add(reviewer)
        rev.comments = max(0, rev.comments + comment)

    @_current_in(Status.IN_REVIEW, Status.DRAFT)
    @rule()
    def resolve_comments(self) -> None:
        self.current().comments = 0

    @rule(days=st.integers(0, 7))
    def time_passes(self, days: int) -> None:
        self.today += dt.timedelta(days=days)

    # -- transitions on the current revision --------------------------------------------------------
    @_current_in(Status.DRAFT)
    @rule(actor=person)
    def submit(self, actor: str) -> None:
        rev = self.current()
        if self.apply(rev.number, Action.SUBMIT, self.facts_for(rev, actor)) is not None:
            assert rev.number == 0 or rev.number in rev.history

    @_current_in(Status.IN_REVIEW)
    @rule(actor=person, comment=st.sampled_from(["", "", "", "Perjelas langkah 2"]))
    def request_changes(self, actor: str, comment: str) -> None:
        rev = self.current()
        if self.apply(rev.number, Action.REQUEST_CHANGES, {**self.facts_for(rev, actor), "comment": comment}):
            assert comment or rev.comments > 0

    @_current_in(Status.IN_REVIEW)
    @rule(actor=person)
    def approve(self, actor: str) -> None:
        self._approve(self.current().number, actor)

    def _approve(self, n: int, actor: str) -> None:
        rev = self.revs[n]
        if self.apply(n, Action.APPROVE, self.facts_for(rev, actor)) is not None:
            assert actor != rev.author
            assert rev.comments == 0 and rev.lint_errors == 0
            assert rev.reviewers and set(rev.reviewers) <= rev.agreed
            assert n == 0 or n in rev.history
            rev.approver = actor

    @_current_in(Status.IN_REVIEW)
    @rule()
    def author_tries_to_approve(self) -> None:
        rev = self.current()
        assert self.apply(rev.number, Action.APPROVE, self.facts_for(rev, rev.author)) is None

    @_current_in(Status.APPROVED)
    @rule()
    def make_effective(self) -> None:
        rev = self.current()
        if self.apply(rev.number, Action.MAKE_EFFECTIVE, {"effective_date": rev.effective_date}):
            assert rev.effective_date is not None and rev.effective_date <= self.today

    @precondition(lambda self: any(r.status is Status.EFFECTIVE for r in self.revs.values()))
    @rule(actor=person, kind=st.sampled_from(list(RevisionKind)))
    def start_revision(self, actor: str, kind: RevisionKind) -> None:
        highest = max(self.revs)
        effective = next(n for n, r in self.revs.items() if r.status is Status.EFFECTIVE)
        changes = self.apply(effective, Action.START_REVISION, {"actor": actor, "kind": kind})
        if changes is not None:
            assert [c.revision for c in changes] == [highest + 1]

    @rule(actor=person)
    def advance(self, actor: str) -> None:
        """Do the next natural thing (Hypothesis runs a random subset of rules; this one alone goes deep)."""
        rev = self.current()
        if rev.status is Status.DRAFT:
            self.apply(rev.number, Action.SUBMIT, self.facts_for(rev, rev.author))
        elif rev.status is Status.IN_REVIEW:
            rev.agreed |= set(rev.reviewers)
            rev.comments = 0
            self._approve(rev.number, actor)
        elif rev.status is Status.APPROVED:
            if rev.effective_date is not None and rev.effective_date > self.today:
                self.today = rev.effective_date
            self.apply(rev.number, Action.MAKE_EFFECTIVE, {"effective_date": rev.effective_date})
        elif rev.status is Status.EFFECTIVE:
            self.apply(rev.number, Action.START_REVISION, {"actor": actor})

    # -- anything at all, anywhere: must be refused or keep the invariants ------------------------
    @rule(data=st.data(), action=st.sampled_from(list(Action)), actor=person,
          comment=st.sampled_from(["", "", "Layanan dihentikan"]))
    def anything(self, data: st.DataObject, action: Action, actor: str, comment: str) -> None:
        n = data.draw(st.integers(0, max(self.revs) + 1), label="revision")
        rev = self.revs.get(n)
        facts = {**self.facts_for(rev, actor), "comment": comment} if rev else {"actor": actor, "comment": comment}
        if rev is not None and data.draw(st.booleans(), label="favourable facts"):
            # Everything a guard could ask for is true: only the table itself stands in the way.
            facts.update(agreed=rev.reviewers, open_comments=0, lint_errors=0, history=[rev.number])
        changes = self.apply(n, action, facts)
        if changes is None:
            return
        assert rev is not None
        if action is Action.APPROVE:
            assert actor != rev.author
            rev.approver = actor
        if action is Action.OBSOLETE:
            assert comment
        if action is Action.REQUEST_CHANGES:
            assert comment or rev.comments > 0

    # -- taking things back: withdraw, send back, discard, cancel, withdraw the procedure ---------
    @_current_in(Status.IN_REVIEW)
    @rule(actor=person)
    def withdraw_submission(self, actor: str) -> None:
        rev = self.current()
        if self.apply(rev.number, Action.WITHDRAW_SUBMISSION, self.facts_for(rev, actor)) is not None:
            assert actor == rev.author
            rev.agreed = set()  # a new round of review follows a new submission

    @_current_in(Status.IN_REVIEW)
    @rule(actor=person, comment=st.sampled_from(["", "Lampiran belum lengkap"]))
    def send_back(self, actor: str, comment: str) -> None:
        rev = self.current()
        if self.apply(rev.number, Action.SEND_BACK, {**self.facts_for(rev, actor), "comment": comment}):
            assert comment
            rev.agreed = set()

    @_current_in(Status.DRAFT, Status.APPROVED)
    @rule(actor=person, comment=st.sampled_from(["", "Tidak jadi diubah"]))
    def discard_or_cancel(self, actor: str, comment: str) -> None:
        rev = self.current()
        action = Action.DISCARD if rev.status is Status.DRAFT else Action.CANCEL
        if self.apply(rev.number, action, {**self.facts_for(rev, actor), "comment": comment}):
            assert comment and rev.status is Status.CANCELLED

    @precondition(lambda self: any(r.status is Status.EFFECTIVE for r in self.revs.values()))
    @rule(actor=person, comment=st.sampled_from(["", "Layanan dihentikan"]), days=st.integers(-3, 3))
    def withdraw_procedure(self, actor: str, comment: str, days: int) -> None:
        effective = next(n for n, r in self.revs.items() if r.status is Status.EFFECTIVE)
        on = self.today + dt.timedelta(days=days)
        if self.apply(effective, Action.WITHDRAW_PROCEDURE, {"actor": actor, "comment": comment, "withdrawn_on": on}):
            assert comment and on <= self.today
            assert not any(r.status in (Status.DRAFT, Status.IN_REVIEW, Status.APPROVED) for r in self.revs.values())
            self.withdrawn = True

    @invariant()
    def a_withdrawn_procedure_stays_withdrawn(self) -> None:
        if getattr(self, "withdrawn", False):
            assert not any(r.status is Status.EFFECTIVE for r in self.revs.values())
            assert all(r.status in (Status.OBSOLETE, Status.CANCELLED) for r in self.revs.values())

    @invariant()
    def a_cancelled_revision_was_never_in_force(self) -> None:
        for rev in self.revs.values():
            if rev.status is Status.CANCELLED:
                assert Status.EFFECTIVE not in rev.trail

    # -- invariants -------------------------------------------------------------------------------
    @invariant()
    def author_is_never_the_approver(self) -> None:
        for rev in self.revs.values():
            if rev.status in (Status.APPROVED, Status.EFFECTIVE) or Status.APPROVED in rev.trail:
                assert rev.approver is not None and rev.approver != rev.author

    @invariant()
    def at_most_one_effective(self) -> None:
        assert sum(r.status is Status.EFFECTIVE for r in self.revs.values()) <= 1

    @invariant()
    def at_most_one_in_progress(self) -> None:
        assert sum(r.status in (Status.DRAFT, Status.IN_REVIEW, Status.APPROVED) for r in self.revs.values()) <= 1

    @invariant()
    def no_state_is_skipped(self) -> None:
        for rev in self.revs.values():
            assert rev.trail[0] is INITIAL
            for old, new in zip(rev.trail, rev.trail[1:], strict=False):
                assert (old, new) in EDGES

    @invariant()
    def revision_numbers_increase_by_one(self) -> None:
        assert sorted(self.revs) == list(range(len(self.revs)))

    @invariant()
    def newer_effective_means_older_obsolete(self) -> None:
        effective = [n for n, r in self.revs.items() if r.status is Status.EFFECTIVE]
        for n in effective:
            assert all(self.revs[m].status in (Status.OBSOLETE, Status.CANCELLED) for m in self.revs if m < n)


ProcedureRevisions.TestCase.settings = settings(
    max_examples=150, stateful_step_count=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
TestProcedureRevisions = ProcedureRevisions.TestCase


def test_state_machine_reaches_interesting_states() -> None:
    """Guard against a vacuous machine: a scripted run goes through revisions 0..2."""
    m = ProcedureRevisions()
    m._edit(0, ["agus"], 0, True, 0)
    m.apply(0, Action.SUBMIT, m.facts_for(m.revs[0], "rina"))
    m.revs[0].agreed.add("agus")
    m._approve(0, "bambang")
    assert m.revs[0].status is Status.EFFECTIVE
    m.apply(0, Action.START_REVISION, {"actor": "dewi", "kind": RevisionKind.MINOR})
    m._edit(1, ["agus"], 0, True, 2)
    m.apply(1, Action.SUBMIT, m.facts_for(m.revs[1], "dewi"))
    m.revs[1].agreed.add("agus")
    m._approve(1, "dewi")  # refused: she wrote it
    assert m.revs[1].status is Status.IN_REVIEW
    m._approve(1, "bambang")
    assert m.revs[1].status is Status.APPROVED
    m.time_passes(2)
    m.apply(1, Action.MAKE_EFFECTIVE, {"effective_date": m.revs[1].effective_date})
    assert m.statuses() == {0: Status.OBSOLETE, 1: Status.EFFECTIVE}
    m.apply(1, Action.START_REVISION, {"actor": "rina", "kind": RevisionKind.MAJOR})
    assert sorted(m.revs) == [0, 1, 2]
    m.at_most_one_effective()
    m.no_state_is_skipped()
    m.author_is_never_the_approver()


def test_taking_back_each_needs_its_reason_and_its_person() -> None:
    assert keys(check(Status.IN_REVIEW, Action.WITHDRAW_SUBMISSION, actor="agus", author="rina")) == ["wf_not_the_author"]
    assert transition(Status.IN_REVIEW, Action.WITHDRAW_SUBMISSION, actor="Rina ", author="rina") is Status.DRAFT
    assert keys(check(Status.IN_REVIEW, Action.SEND_BACK, actor="bambang")) == ["wf_reason_needed"]
    assert transition(Status.IN_REVIEW, Action.SEND_BACK, actor="bambang", comment="Lengkapi lampiran") is Status.DRAFT
    assert transition(Status.DRAFT, Action.DISCARD, actor="rina", comment="Tidak jadi") is Status.CANCELLED
    assert transition(Status.APPROVED, Action.CANCEL, actor="bambang", comment="Salah tanggal") is Status.CANCELLED
    assert keys(check(Status.EFFECTIVE, Action.CANCEL, actor="bambang", comment="x")) == ["wf_wrong_state"]
    for state in (Status.CANCELLED, Status.OBSOLETE):
        assert allowed_actions(state) == {}


def test_withdrawing_a_procedure_needs_reason_date_and_nothing_in_progress() -> None:
    revisions = {0: Status.OBSOLETE, 1: Status.EFFECTIVE, 2: Status.DRAFT}
    with pytest.raises(TransitionRefused) as info:
        plan(revisions, 1, Action.WITHDRAW_PROCEDURE, actor="dewi", today=TODAY,
             withdrawn_on=TODAY + dt.timedelta(days=1))
    assert keys(info.value.reasons) == ["wf_reason_needed", "wf_withdrawal_date_future", "wf_withdraw_in_progress"]
    assert "2024-03-06" in info.value.message("id")
    revisions[2] = Status.CANCELLED
    changes = plan(revisions, 1, Action.WITHDRAW_PROCEDURE, actor="dewi", comment="Layanan dihentikan",
                   withdrawn_on=TODAY, today=TODAY)
    assert changes == [StatusChange(1, Status.EFFECTIVE, Status.OBSOLETE, Action.WITHDRAW_PROCEDURE)]
    with pytest.raises(TransitionRefused):  # nothing is in force any more: no revision can start from it
        plan({**revisions, 1: Status.OBSOLETE}, 1, Action.START_REVISION, actor="dewi")


def test_a_discarded_draft_no_longer_blocks_a_new_revision() -> None:
    with pytest.raises(TransitionRefused):
        plan({0: Status.EFFECTIVE, 1: Status.DRAFT}, 0, Action.START_REVISION, actor="dewi")
    assert plan({0: Status.EFFECTIVE, 1: Status.CANCELLED}, 0, Action.START_REVISION, actor="dewi") == [
        StatusChange(2, None, Status.DRAFT, Action.START_REVISION)]
