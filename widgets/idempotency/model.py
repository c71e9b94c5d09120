"""Idempotency's model: a client charges a card over a lossy network and retries on timeout.

Plain functions and frozen dataclasses, no view code (the views are in :mod:`.views`).

**One payment.** The client makes up to R + 1 attempts (R = ``retries``). On each attempt the request
is lost on the way with probability p_req; if it arrives, the server handles it and answers, and the
answer is lost with probability p_resp, each draw independent. A lost request or a lost answer looks
the same to the client: a timeout, after which it tries again, until an answer arrives or the
attempts run out (then it has no confirmed answer). A request that arrives is handled before the
client's timeout fires.

* **No key.** The server charges the card for every request that arrives: a lost answer followed by a
  retry charges twice (or more).
* **With an idempotency key.** Every attempt carries the same key; the server stores the first result
  under it and replays that result to any repeat [Stripe, Idempotent requests; IETF draft
  Idempotency-Key header], so the card is charged once exactly when at least one request arrived.

The key changes the charges only: attempts, answers and the payments left without a confirmed answer
are the same with it and without it.

**Closed forms** (:func:`expected_outcomes`), with a = 1 - p_req (a request arrives), s = a (1 - p_resp)
(an attempt is answered) and A = R + 1 attempts at most:

* attempts made K = min(Geometric(s), A): E[K] = (1 - (1 - s)^A) / s;
* each attempt made arrives with probability a, whatever came before, so without a key
  E[charges] = a E[K];
* charged 0 times: every request lost, p_req^A;
* charged once without a key: the first arrival is answered (after j - 1 lost requests), or exactly
  one request arrives, its answer is lost and every other attempt's request is lost:
  P1 = s (1 - p_req^A) / (1 - p_req) + A a p_resp p_req^(A-1);
* charged twice or more without a key: 1 - p_req^A - P1 (none with a key);
* no confirmed answer: (1 - s)^A; charged but never confirmed: (1 - s)^A - p_req^A.

:func:`simulate_payments` draws M seeded payments (:func:`attempt_losses`) and counts them
(:func:`charges`), :func:`with_and_without_key` plays the same draws both ways; :func:`payment_story`
tells one payment attempt by attempt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from widgets import _check

#: Most retries after the first attempt, and most payments simulated at once.
MAX_RETRIES = 50
MAX_PAYMENTS = 2_000_000
#: What can happen to one attempt: nothing lost, the request lost, or the answer lost.
FATES = ("ok", "request", "response")


def _probability(name: str, value: Any) -> float:
    return _check.number(name, value, 0, 1)


def _retries(value: Any) -> int:
    return _check.integer("retries", value, 0, MAX_RETRIES)


@dataclass(frozen=True)
class ExpectedOutcomes:
    """Per payment, in closed form: probabilities and means (see the module's docstring)."""

    key: bool
    charged_0: float  # P(not charged)
    charged_1: float  # P(charged once)
    charged_2_plus: float  # P(charged twice or more): 0 with a key
    charges: float  # E[charges]
    duplicates: float  # E[charges beyond the first]
    unconfirmed: float  # P(no confirmed answer after every attempt)
    charged_unconfirmed: float  # P(charged, but the client never heard)
    attempts: float  # E[attempts made]

    def duplicates_per_day(self, payments_per_second: float) -> float:
        """Expected duplicate charges in a day (86,400 s) at ``payments_per_second``.

        >>> round(expected_outcomes(3, 0, 0.001, key=False).duplicates_per_day(300))
        25946
        """
        rate = _check.number("payments_per_second", payments_per_second, 0, 1e9)
        return rate * 86_400 * self.duplicates


def expected_outcomes(retries: int, p_request_loss: float, p_response_loss: float, *, key: bool) -> ExpectedOutcomes:
    """One payment's outcomes in closed form, without (``key=False``) or with an idempotency key.

    >>> plain = expected_outcomes(3, 0.0, 0.05, key=False)
    >>> round(plain.charged_2_plus, 6), round(plain.charges, 6), round(plain.unconfirmed, 8)
    (0.05, 1.052625, 6.25e-06)
    >>> expected_outcomes(3, 0.0, 0.05, key=True).charged_2_plus
    0.0
    """
    attempts_max = _retries(retries) + 1
    p_req = _probability("p_request_loss", p_request_loss)
    p_resp = _probability("p_response_loss", p_response_loss)
    _check.choice("key", key, (False, True))
    arrive = 1 - p_req
    answered = arrive * (1 - p_resp)
    none = p_req**attempts_max
    unconfirmed = (1 - answered) ** attempts_max
    attempts = attempts_max if answered == 0 else (1 - unconfirmed) / answered
    if key:
        return ExpectedOutcomes(True, none, 1 - none, 0.0, 1 - none, 0.0, unconfirmed, max(0.0, unconfirmed - none),
                                attempts)
    first_answered = answered * (1 - none) / arrive if arrive > 0 else 0.0  # sum of p_req^(j-1) s, j = 1..A
    once = first_answered + attempts_max * arrive * p_resp * p_req ** (attempts_max - 1)
    charges = arrive * attempts
    return ExpectedOutcomes(False, none, once, max(0.0, 1 - none - once), charges, charges - (1 - none),
                            unconfirmed, max(0.0, unconfirmed - none), attempts)


def attempt_losses(payments: int, retries: int, p_request_loss: float, p_response_loss: float,
                   seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Seeded draws for every attempt a payment may make: (request lost, answer lost), two boolean
    arrays of shape (payments, retries + 1), independent with probabilities p_req and p_resp.

    >>> request_lost, response_lost = attempt_losses(3, 1, 0.5, 0.5, seed=2)
    >>> request_lost.shape, request_lost.dtype
    ((3, 2), dtype('bool'))
    """
    m = _check.integer("payments", payments, 1, MAX_PAYMENTS)
    shape = (m, _retries(retries) + 1)
    p_req = _probability("p_request_loss", p_request_loss)
    p_resp = _probability("p_response_loss", p_response_loss)
    rng = np.random.default_rng(_check.seed(seed))
    return rng.random(shape) < p_req, rng.random(shape) < p_resp


def charges(request_lost: Any, response_lost: Any, *, key: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Play each payment's attempts (rows) out: (charges, attempts made, confirmed), one each a payment.

    The client stops at the first attempt whose request arrived and whose answer came back, or when
    the row runs out. Without a key every request that arrived charges; with one, the first does
    and the rest are replays.

    >>> lost = np.array([[False, False]]); answer_lost = np.array([[True, False]])
    >>> [a.tolist() for a in charges(lost, answer_lost, key=False)], charges(lost, answer_lost, key=True)[0].tolist()
    ([[2], [2], [True]], [1])
    """
    req, resp = np.asarray(request_lost), np.asarray(response_lost)
    if req.dtype != bool or resp.dtype != bool or req.ndim != 2 or req.shape != resp.shape or req.shape[1] < 1:
        raise ValueError(f"request_lost and response_lost must be boolean arrays of one shape (payments, attempts), "
                         f"got {req.dtype} {req.shape} and {resp.dtype} {resp.shape}")
    _check.choice("key", key, (False, True))
    arrived = ~req
    answered = arrived & ~resp
    confirmed = answered.any(axis=1)
    attempts = np.where(confirmed, answered.argmax(axis=1) + 1, req.shape[1])
    made = np.arange(req.shape[1]) < attempts[:, None]
    charged = np.count_nonzero(arrived & made, axis=1)
    return (np.minimum(charged, 1) if key else charged), attempts, confirmed


@dataclass(frozen=True)
class PaymentOutcomes:
    """Counts over ``payments`` seeded payments, and the closed form they estimate."""

    key: bool
    payments: int
    retries: int
    p_request_loss: float
    p_response_loss: float
    charged_0: int
    charged_1: int
    charged_2_plus: int
    duplicates: int  # charges beyond the first, over every payment
    unconfirmed: int  # payments with no confirmed answer
    charged_unconfirmed: int  # charged, but the client never heard
    attempts: int  # attempts made, over every payment
    expected: ExpectedOutcomes


def _outcomes(request_lost: np.ndarray, response_lost: np.ndarray, key: bool, retries: int,
              p_request_loss: float, p_response_loss: float) -> PaymentOutcomes:
    charged, attempts, confirmed = charges(request_lost, response_lost, key=key)
    return PaymentOutcomes(
        key=key, payments=len(charged), retries=retries, p_request_loss=p_request_loss,
        p_response_loss=p_response_loss,
        charged_0=int(np.count_nonzero(charged == 0)), charged_1=int(np.count_nonzero(charged == 1)),
        charged_2_plus=int(np.count_nonzero(charged >= 2)),
        duplicates=int(np.maximum(charged - 1, 0).sum()),
        unconfirmed=int(np.count_nonzero(~confirmed)),
        charged_unconfirmed=int(np.count_nonzero(~confirmed & (charged > 0))),
        attempts=int(attempts.sum()),
        expected=expected_outcomes(retries, p_request_loss, p_response_loss, key=key),
    )


def simulate_payments(payments: int, retries: int, p_request_loss: float, p_response_loss: float, *,
                      key: bool, seed: int = 0) -> PaymentOutcomes:
    """``payments`` seeded payments, without or with an idempotency key; the same seed draws the same
    losses either way, so the two runs differ only by the key.

    >>> plain = simulate_payments(10_000, 3, 0.0, 0.05, key=False)
    >>> keyed = simulate_payments(10_000, 3, 0.0, 0.05, key=True)
    >>> plain.charged_2_plus, plain.duplicates, keyed.charged_2_plus, keyed.charged_1, plain.unconfirmed
    (528, 551, 0, 10000, 0)
    """
    _check.choice("key", key, (False, True))
    request_lost, response_lost = attempt_losses(payments, retries, p_request_loss, p_response_loss, seed)
    return _outcomes(request_lost, response_lost, key, int(retries), float(p_request_loss), float(p_response_loss))


def with_and_without_key(payments: int, retries: int, p_request_loss: float, p_response_loss: float, *,
                         seed: int = 0) -> tuple[PaymentOutcomes, PaymentOutcomes]:
    """The same seeded payments played without a key and with one: (without, with).

    >>> plain, keyed = with_and_without_key(10_000, 3, 0.0, 0.05)
    >>> plain == simulate_payments(10_000, 3, 0.0, 0.05, key=False), keyed.duplicates
    (True, 0)
    """
    request_lost, response_lost = attempt_losses(payments, retries, p_request_loss, p_response_loss, seed)
    args = (int(retries), float(p_request_loss), float(p_response_loss))
    return _outcomes(request_lost, response_lost, False, *args), _outcomes(request_lost, response_lost, True, *args)


@dataclass(frozen=True)
class Attempt:
    """One attempt of one payment, as the sequence diagram draws it."""

    number: int  # 1 for the first try
    fate: str  # one of FATES: "ok", "request" (lost on the way) or "response" (the answer lost)
    server: str  # what the server did: "" (never saw it), "charged" or "replayed" (the stored result)
    charge: int  # the card's charges after this attempt


@dataclass(frozen=True)
class PaymentStory:
    """One payment told attempt by attempt (:func:`payment_story`)."""

    key: bool
    attempts: tuple[Attempt, ...]
    charges: int
    confirmed: bool
    attempts_allowed: int


def parse_fates(text: str, most: int = 8) -> tuple[str, ...]:
    """Attempts' fates from words such as "response, ok": each one of :data:`FATES`, 1 to ``most``.

    >>> parse_fates("Response, ok")
    ('response', 'ok')
    >>> parse_fates("lost")
    Traceback (most recent call last):
    ValueError: fates must be 1 to 8 words, each ok, request or response, got 'lost'
    """
    words = tuple(w for w in str(text).replace(",", " ").lower().split())
    if not 1 <= len(words) <= most or any(w not in FATES for w in words):
        raise ValueError(f"fates must be 1 to {most} words, each ok, request or response, got {text!r}")
    return words


def payment_story(fates: Sequence[str], *, key: bool) -> PaymentStory:
    """One payment whose attempts meet ``fates`` in turn (one a permitted attempt: retries = len - 1).

    The client stops at the first "ok"; the fates after it are never used.

    >>> story = payment_story(("response", "ok"), key=False)
    >>> [(a.fate, a.server, a.charge) for a in story.attempts], story.confirmed
    ([('response', 'charged', 1), ('ok', 'charged', 2)], True)
    >>> payment_story(("response", "ok"), key=True).charges
    1
    """
    fates = tuple(fates)
    if not 1 <= len(fates) <= MAX_RETRIES + 1 or any(f not in FATES for f in fates):
        raise ValueError(f"fates must be 1 to {MAX_RETRIES + 1} of {', '.join(FATES)}, got {fates!r}")
    _check.choice("key", key, (False, True))
    request_lost = np.array([[f == "request" for f in fates]])
    response_lost = np.array([[f == "response" for f in fates]])
    _, made, confirmed = charges(request_lost, response_lost, key=key)
    steps, charged = [], 0
    for number, fate in enumerate(fates[: int(made[0])], start=1):
        server = ""
        if fate != "request":
            server = "replayed" if key and charged else "charged"
            charged += server == "charged"
        steps.append(Attempt(number, fate, server, charged))
    return PaymentStory(key, tuple(steps), charged, bool(confirmed[0]), len(fates))
