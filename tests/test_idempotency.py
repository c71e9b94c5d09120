"""Tests of widgets.idempotency: the closed forms against an exact enumeration of every attempt's fate,
the seeded simulation against the closed forms within binomial bounds, and tenacity as the client's
retry engine, payment by payment.

References for what is checked here:
* Stripe, "Idempotent requests" (API documentation): the server saves the status code and body of the
  first request made with a key and returns them to every later request with the same key.
* Jena, Dalal et al., "The Idempotency-Key HTTP Header Field", IETF draft-ietf-httpapi-idempotency-key-header:
  the header that carries the key, so that a retried POST is not performed twice.
* tenacity 9.2.1 (``Retrying``, ``stop_after_attempt``, ``retry_if_exception_type``): the retry loop of
  a real client, counting its own attempts.
No published table gives these counts for a given seed; the enumeration and tenacity stand in.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import tenacity
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets import idempotency
from widgets.idempotency import model

FIELDS = ("charged_0", "charged_1", "charged_2_plus", "charges", "duplicates", "unconfirmed",
          "charged_unconfirmed", "attempts")


def play(fates: tuple[str, ...], key: bool) -> tuple[int, int, bool]:
    """One payment written out as the prose tells it: (charges, attempts made, confirmed)."""
    stored, charged = None, 0
    for attempt, fate in enumerate(fates, start=1):
        if fate == "request":
            continue  # the server never saw it: the client times out
        if key and stored is not None:
            pass  # the server replays the stored result
        else:
            charged += 1
            stored = "charged"
        if fate == "ok":
            return charged, attempt, True
    return charged, len(fates), False


def enumerated(retries: int, p_req: float, p_resp: float, key: bool) -> dict[str, float]:
    """Every field of ExpectedOutcomes, summed exactly over all 3^(retries + 1) sequences of fates."""
    weight = {"ok": (1 - p_req) * (1 - p_resp), "request": p_req, "response": (1 - p_req) * p_resp}
    totals = dict.fromkeys(FIELDS, 0.0)
    for fates in itertools.product(model.FATES, repeat=retries + 1):
        p = math.prod(weight[f] for f in fates)
        charged, attempts, confirmed = play(fates, key)
        totals["charged_0"] += p * (charged == 0)
        totals["charged_1"] += p * (charged == 1)
        totals["charged_2_plus"] += p * (charged >= 2)
        totals["charges"] += p * charged
        totals["duplicates"] += p * max(charged - 1, 0)
        totals["unconfirmed"] += p * (not confirmed)
        totals["charged_unconfirmed"] += p * (not confirmed and charged > 0)
        totals["attempts"] += p * attempts
    return totals


probabilities = st.one_of(st.sampled_from([0.0, 1.0, 0.5]), st.floats(0, 1))


@settings(max_examples=80)
@given(retries=st.integers(0, 5), p_req=probabilities, p_resp=probabilities, key=st.booleans())
def test_closed_forms_equal_the_exact_enumeration(retries, p_req, p_resp, key):
    exact = enumerated(retries, p_req, p_resp, key)
    closed = idempotency.expected_outcomes(retries, p_req, p_resp, key=key)
    for field in FIELDS:
        assert getattr(closed, field) == pytest.approx(exact[field], abs=1e-9), field


def _within(count: int, n: int, p: float, sigmas: float = 5.0) -> bool:
    """A binomial count within ``sigmas`` standard deviations of n p (and one count of slack)."""
    return abs(count - n * p) <= sigmas * math.sqrt(max(n * p * (1 - p), 0.0)) + 1


M = 100_000


@settings(max_examples=30)
@given(retries=st.integers(0, 8), p_req=st.floats(0, 0.6), p_resp=st.floats(0, 0.6), key=st.booleans())
def test_simulation_agrees_with_the_closed_forms(retries, p_req, p_resp, key):
    """Seed 0, 100,000 payments: each count within five binomial standard deviations of its closed form
    (and one count); the duplicates' and attempts' means within five standard errors (their spread
    measured on the same draws) and one payment's worth."""
    run = idempotency.simulate_payments(M, retries, p_req, p_resp, key=key, seed=0)
    e = run.expected
    for field in ("charged_0", "charged_1", "charged_2_plus", "unconfirmed", "charged_unconfirmed"):
        assert _within(getattr(run, field), M, getattr(e, field)), field
    charged, attempts, _ = idempotency.charges(*idempotency.attempt_losses(M, retries, p_req, p_resp, 0), key=key)
    extra = np.maximum(charged - 1, 0)
    assert extra.sum() == run.duplicates and attempts.sum() == run.attempts
    slack = (retries + 1) / M  # one payment's worth, as the counts' one count
    assert abs(extra.mean() - e.duplicates) <= 5 * extra.std() / math.sqrt(M) + slack
    assert abs(attempts.mean() - e.attempts) <= 5 * attempts.std() / math.sqrt(M) + slack


@pytest.mark.parametrize("retries, p_req, p_resp", [(3, 0.0, 0.05), (8, 0.2, 0.2), (1, 0.3, 0.5)])
def test_simulated_duplicate_share_at_a_million_payments(retries, p_req, p_resp):
    """A large M pins the probability of at least one duplicate charge to three decimals."""
    run = idempotency.simulate_payments(1_000_000, retries, p_req, p_resp, key=False, seed=11)
    assert run.charged_2_plus / run.payments == pytest.approx(run.expected.charged_2_plus, abs=2e-3)


class Timeout(Exception):
    """What the client sees when its request or the answer is lost."""


class Server:
    """A payment service: charges the card for each request, or once per idempotency key and replays."""

    def __init__(self) -> None:
        self.charges = 0
        self.results: dict[str, str] = {}

    def charge(self, key: str | None) -> str:
        if key is not None and key in self.results:
            return self.results[key]  # the stored first result
        self.charges += 1
        result = f"charge {self.charges}"
        if key is not None:
            self.results[key] = result
        return result


def tenacity_payment(request_lost: np.ndarray, response_lost: np.ndarray, key: str | None) -> tuple[int, int, bool]:
    """One payment with tenacity as the client's retry engine: (charges, attempts, confirmed)."""
    server, attempt = Server(), itertools.count()

    def call() -> str:
        i = next(attempt)
        if request_lost[i]:
            raise Timeout
        result = server.charge(key)
        if response_lost[i]:
            raise Timeout
        return result

    retrying = tenacity.Retrying(stop=tenacity.stop_after_attempt(len(request_lost)),
                                 retry=tenacity.retry_if_exception_type(Timeout), wait=tenacity.wait_none(),
                                 sleep=lambda _: None, reraise=True)
    try:
        retrying(call)
        confirmed = True
    except Timeout:
        confirmed = False
    return server.charges, retrying.statistics["attempt_number"], confirmed


@pytest.mark.parametrize("retries, p_req, p_resp", [(3, 0.0, 0.05), (8, 0.2, 0.2), (0, 0.3, 0.3), (5, 0.5, 0.7)])
def test_tenacity_client_agrees_payment_by_payment(retries, p_req, p_resp):
    """The same seeded losses through tenacity's Retrying (stop_after_attempt(retries + 1)) and a server
    that keeps idempotency keys: identical charges, attempt counts and confirmations on every payment."""
    request_lost, response_lost = idempotency.attempt_losses(2_000, retries, p_req, p_resp, seed=retries)
    for key in (False, True):
        ours = idempotency.charges(request_lost, response_lost, key=key)
        theirs = np.array([tenacity_payment(rl, sl, f"payment-{i}" if key else None)
                           for i, (rl, sl) in enumerate(zip(request_lost, response_lost))])
        assert ours[0].tolist() == theirs[:, 0].tolist()
        assert ours[1].tolist() == theirs[:, 1].tolist()
        assert ours[2].tolist() == theirs[:, 2].astype(bool).tolist()


rows = st.integers(1, 6).flatmap(lambda a: st.lists(st.lists(st.sampled_from(model.FATES), min_size=a, max_size=a),
                                                    min_size=1, max_size=30))


@given(rows=rows)
def test_the_key_charges_once_exactly_when_a_request_got_through(rows):
    request_lost = np.array([[f == "request" for f in row] for row in rows])
    response_lost = np.array([[f == "response" for f in row] for row in rows])
    plain, attempts, confirmed = idempotency.charges(request_lost, response_lost, key=False)
    keyed, attempts_keyed, confirmed_keyed = idempotency.charges(request_lost, response_lost, key=True)
    got_through = [any(f != "request" for f in row[:n]) for row, n in zip(rows, attempts)]
    assert keyed.tolist() == [int(g) for g in got_through]
    assert (plain >= keyed).all() and ((plain == 0) == (keyed == 0)).all()
    assert attempts.tolist() == attempts_keyed.tolist() and confirmed.tolist() == confirmed_keyed.tolist()
    assert [play(tuple(row), False) for row in rows] == list(zip(plain.tolist(), attempts.tolist(), confirmed.tolist()))


@settings(max_examples=25)
@given(retries=st.integers(0, 6), p=st.floats(0, 0.9), seed=st.integers(0, 10**6))
def test_no_duplicates_without_retries_or_without_lost_answers(retries, p, seed):
    """A duplicate needs a retry after a request that got through: none with retries = 0, none when no
    answer is ever lost, whatever the requests' losses."""
    assert idempotency.simulate_payments(500, 0, p, p, key=False, seed=seed).charged_2_plus == 0
    assert idempotency.simulate_payments(500, retries, p, 0.0, key=False, seed=seed).duplicates == 0
    assert idempotency.expected_outcomes(0, p, p, key=False).charged_2_plus == pytest.approx(0, abs=1e-12)


@pytest.mark.parametrize("retries, p_req, p_resp", [(3, 0.0, 0.05), (8, 0.2, 0.2), (0, 0.5, 0.5)])
def test_with_and_without_key_differ_only_by_the_key(retries, p_req, p_resp):
    plain, keyed = idempotency.with_and_without_key(5_000, retries, p_req, p_resp, seed=4)
    assert plain == idempotency.simulate_payments(5_000, retries, p_req, p_resp, key=False, seed=4)
    assert keyed == idempotency.simulate_payments(5_000, retries, p_req, p_resp, key=True, seed=4)
    assert (plain.attempts, plain.unconfirmed, plain.charged_0) == (keyed.attempts, keyed.unconfirmed, keyed.charged_0)
    assert keyed.charged_2_plus == keyed.duplicates == 0
    assert keyed.charged_1 == plain.charged_1 + plain.charged_2_plus
    assert plain.charged_0 + plain.charged_1 + plain.charged_2_plus == 5_000


def test_five_percent_of_answers_lost_charges_one_payment_in_twenty_twice():
    """No request lost, 5% of answers lost, 3 retries: P(charged twice or more) = P(first answer lost)."""
    e = idempotency.expected_outcomes(3, 0.0, 0.05, key=False)
    assert e.charged_2_plus == pytest.approx(0.05)
    assert e.duplicates == pytest.approx(0.05 + 0.05**2 + 0.05**3)  # a second, third, fourth charge
    assert e.unconfirmed == pytest.approx(0.05**4)


def test_stripe_replays_the_first_result():
    """Stripe's idempotency layer saves the first request's result and returns it to every retry with
    the same key: the card is charged once, the retries are replays."""
    story = idempotency.payment_story(("response", "response", "ok"), key=True)
    assert [a.server for a in story.attempts] == ["charged", "replayed", "replayed"]
    assert story.charges == 1 and story.confirmed
    assert idempotency.payment_story(("response", "response", "ok"), key=False).charges == 3


def test_payment_story_stops_at_the_first_answer_and_gives_up_after_the_last_attempt():
    story = idempotency.payment_story(("request", "ok", "response"), key=False)
    assert [(a.number, a.fate, a.server, a.charge) for a in story.attempts] == [(1, "request", "", 0),
                                                                                (2, "ok", "charged", 1)]
    lost = idempotency.payment_story(("request",) * 3, key=True)
    assert len(lost.attempts) == 3 and lost.charges == 0 and not lost.confirmed
    assert idempotency.parse_fates(" ok ,RESPONSE  request") == ("ok", "response", "request")


BAD = [
    (idempotency.expected_outcomes, (-1, 0.1, 0.1), {"key": False}, "retries"),
    (idempotency.expected_outcomes, (51, 0.1, 0.1), {"key": False}, "retries"),
    (idempotency.expected_outcomes, (3, 1.5, 0.1), {"key": False}, "p_request_loss"),
    (idempotency.expected_outcomes, (3, 0.1, math.nan), {"key": False}, "p_response_loss"),
    (idempotency.expected_outcomes, (3, 0.1, 0.1), {"key": "yes"}, "key"),
    (idempotency.attempt_losses, (0, 3, 0.1, 0.1), {}, "payments"),
    (idempotency.attempt_losses, (10, 3, -0.1, 0.1), {}, "p_request_loss"),
    (idempotency.attempt_losses, (10, 3, 0.1, 0.1), {"seed": -1}, "seed"),
    (idempotency.charges, (np.zeros((2, 2), bool), np.zeros((2, 3), bool)), {"key": False}, "request_lost"),
    (idempotency.charges, (np.zeros((2, 2)), np.zeros((2, 2))), {"key": False}, "request_lost"),
    (idempotency.charges, (np.zeros((2, 2), bool), np.zeros((2, 2), bool)), {"key": 1}, "key"),
    (idempotency.simulate_payments, (3_000_000, 3, 0.1, 0.1), {"key": False}, "payments"),
    (idempotency.simulate_payments, (100, 2.5, 0.1, 0.1), {"key": False}, "retries"),
    (idempotency.simulate_payments, (100, 2, 0.1, 0.1), {"key": "no"}, "key"),
    (idempotency.with_and_without_key, (100, 2, 0.1, 0.1), {"seed": -1}, "seed"),
    (idempotency.with_and_without_key, (100, 2, 0.1, 2.0), {}, "p_response_loss"),
    (idempotency.parse_fates, ("",), {}, "fates"),
    (idempotency.parse_fates, ("ok lost",), {}, "fates"),
    (idempotency.parse_fates, ("ok " * 9,), {}, "fates"),
    (idempotency.payment_story, (("lost",),), {"key": False}, "fates"),
    (idempotency.payment_story, ((),), {"key": False}, "fates"),
    (idempotency.payment_story, (("ok",),), {"key": None}, "key"),
    (idempotency.expected_outcomes(3, 0, 0.05, key=False).duplicates_per_day, (-1,), {}, "payments_per_second"),
]


def test_duplicates_per_day_is_a_day_of_payments_times_the_mean_duplicates():
    p = 0.05  # answers lost; no key, 3 retries: E[duplicates] = p + p^2 + p^3
    expected = idempotency.expected_outcomes(3, 0, p, key=False)
    assert expected.duplicates_per_day(300) == pytest.approx(300 * 86_400 * (p + p**2 + p**3))
    assert idempotency.expected_outcomes(3, 0, p, key=True).duplicates_per_day(300) == 0


@pytest.mark.parametrize("function, args, kwargs, name", BAD, ids=lambda x: getattr(x, "__name__", None))
def test_bad_input_names_the_parameter(function, args, kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name}\b.*must be"):
        function(*args, **kwargs)
