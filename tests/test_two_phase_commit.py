"""Tests of widgets.two_phase_commit: the protocol, its message count against the closed form, bad input,
and what the sequence view shows.

Two-phase commit follows Bernstein, Hadzilacos & Goodman, "Concurrency Control and
Recovery in Database Systems" (1987), ch. 7, and Gray & Lamport, "Consensus on
Transaction Commit" (2006): any NO vote aborts; a participant that voted YES waits
for the decision (it blocks if the coordinator is gone).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from widgets import two_phase_commit as tpc
from widgets.two_phase_commit import message_count, parse_votes, two_phase_commit

# --------------------------------------------------------------------------
# The protocol
# --------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 3, 5, 10])
def test_all_yes_commits_with_4n_messages(n):
    run = two_phase_commit(n)
    assert run.decision == "commit" and len(run.messages) == 4 * n  # prepare, yes, commit, ack each
    assert [m.kind for m in run.messages] == ["prepare"] * n + ["yes"] * n + ["commit"] * n + ["ack"] * n
    assert set(run.states.values()) == {"committed"} and run.holding_locks == ()
    assert all("coordinator" in m[:2] for m in run.messages)  # participants never talk to each other
    assert run.formula == f"{4 * n} = 4 × {n}"


def test_one_no_aborts_everyone():
    run = two_phase_commit(3, ["yes", "no", "yes"])
    assert run.decision == "abort"
    assert run.states == {"P1": "aborted", "P2": "aborted", "P3": "aborted"}
    # The NO voter aborted unilaterally; only YES voters need the decision (and acknowledge it).
    assert [m[1:3] for m in run.messages if m.kind == "abort"] == [("P1", "abort"), ("P3", "abort")]
    assert len(run.messages) == 2 * 3 + 2 * 2
    assert run.formula == "10 = 2 × 3 + 2 × 2 yes votes"


def test_coordinator_crash_after_prepare_blocks_yes_voters():
    run = two_phase_commit(3, [True, True, False], coordinator_crash="after_prepare")
    assert run.decision is None and len(run.messages) == 6  # prepares and votes, then silence
    assert run.states == {"P1": "blocked", "P2": "blocked", "P3": "aborted"}
    assert run.holding_locks == ("P1", "P2")
    assert run.formula == "6 = 2 × 3, then silence"


@given(st.lists(st.booleans(), min_size=1, max_size=20), st.sampled_from([None, "after_prepare"]))
def test_property_atomic_decision_and_message_count(votes, crash):
    run = two_phase_commit(len(votes), votes, crash)
    states = set(run.states.values())
    assert not {"committed", "aborted"} <= states  # never some committed and some aborted
    # By hand: a prepare and a vote each, then a decision and an ack for each yes voter if decided.
    by_hand = 2 * len(votes) + (0 if crash else 2 * sum(votes))
    assert len(run.messages) == by_hand == run.message_count == message_count(len(votes), sum(votes), not crash)
    assert run.formula.startswith(f"{len(run.messages)} = ")
    if crash:
        assert run.decision is None and len(run.holding_locks) == sum(votes)
    else:
        assert run.decision == ("commit" if all(votes) else "abort")


def test_message_count_closed_form():
    assert [message_count(3, yes) for yes in range(4)] == [6, 8, 10, 12]
    assert message_count(3, 3, decided=False) == 6


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((0,), "n_participants must be an integer in [1, 100], got 0"),
        ((True,), "n_participants must be an integer"),
        ((2.5,), "n_participants must be an integer"),
        ((2, ["yes"]), "votes must be None or a sequence of 2 votes"),
        ((2, "yes"), "votes must be None or a sequence of 2 votes"),
        ((2, ["yes", "maybe"]), "votes must hold only 'yes', 'no', True or False, got 'maybe'"),
        ((2, None, "during_commit"),
         "coordinator_crash must be one of None, 'after_prepare', got 'during_commit'"),
    ],
)
def test_two_phase_commit_bad_values(args, words):
    with pytest.raises(ValueError) as error:
        two_phase_commit(*args)
    assert words in str(error.value)


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: message_count(3, 4), "yes_votes must be an integer in [0, 3], got 4"),
        (lambda: message_count(0, 0), "n_participants must be an integer in [1, 100], got 0"),
        (lambda: message_count(3, 1, decided="yes"), "decided must be one of True, False, got 'yes'"),
        (lambda: parse_votes(""), "votes must be 1 to 100 words, each yes or no"),
        (lambda: parse_votes("yes, perhaps", 8), "votes must be 1 to 8 words, each yes or no (e.g. 'yes, no, yes'), "
                                                 "got 'yes, perhaps'"),
        (lambda: parse_votes("yes " * 9, 8), "votes must be 1 to 8 words"),
        (lambda: parse_votes(None), "votes must be 1 to 100 words"),
        (lambda: parse_votes("yes", 0), "max_participants must be an integer in [1, 100], got 0"),
    ],
)
def test_count_and_votes_bad_values(call, words):
    with pytest.raises(ValueError) as error:
        call()
    assert words in str(error.value)


def test_parse_votes_reads_commas_spaces_and_case():
    assert parse_votes("YES,no  yes") == ("yes", "no", "yes")
    assert two_phase_commit(3, parse_votes("yes, no, yes")).decision == "abort"


# --------------------------------------------------------------------------
# The view: what each preset shows (the catalog suite checks the rest)
# --------------------------------------------------------------------------

PRESET_FIGURES = {
    "All vote yes": ["12 = 4 × 3", 'alt="Sequence diagram of two-phase commit with a coordinator and 3 '
                     'participants voting yes, yes, yes. 12 messages. Decision: commit.', ">nobody<"],
    "One votes no": ["10 = 2 × 3 + 2 × 2 yes votes", "P2 voted no", "Decision: abort."],
    "Coordinator crashes after the votes": ["6 = 2 × 3, then silence", "none: the coordinator crashed",
                                            ">P1, P2, P3<", "The coordinator crashes after the votes."],
}


def test_each_preset_shows_the_models_count_and_fates():
    view = tpc.sequence()
    assert list(view.presets) == list(PRESET_FIGURES)
    for index, (name, figures) in enumerate(PRESET_FIGURES.items()):
        shown = view.stack.children[index].value
        assert all(figure in shown for figure in figures), (name, shown)


def test_bad_votes_show_the_models_message_and_keep_the_view():
    view = tpc.sequence()
    before = view.view.value
    view.controls["votes"].value = "yes, perhaps"
    assert "votes must be 1 to 8 words, each yes or no" in view.error.value and view.view.value == before
    view.controls["votes"].value = "yes, no"
    assert view.error.value == "" and "6 = 2 × 2 + 2 × 1 yes votes" in view.view.value
