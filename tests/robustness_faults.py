"""Test estimators, one per fault, loaded by the robustness tests as `path/to/robustness_faults.py:Class`
(so they are third-party plugins, run isolated by default).

Each faulty one misbehaves on instances of `faulty_domain` (circuits, unless a subclass says otherwise)
with at least one gate, and answers 1/2 elsewhere (boundedness holds on boolean circuits), so a check of
both domains shows the fault as a finding on the first and the run going on with the second.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from typing import Any

from heurcheck.estimators.base import Estimate, Option


class _Faulty:
    """The shared shape: the fault on instances of `faulty_domain` with a gate, 1/2 elsewhere."""

    domains = frozenset({"circuit", "boolean"})
    randomised = False
    traceable = False
    faulty_domain = "circuit"

    def estimate(self, instance: Any, arguments: Any) -> Any:
        if instance.domain == self.faulty_domain and instance.gates:
            return self.fault()
        return 0.5

    def fault(self) -> Any:
        raise NotImplementedError


class Correct(_Faulty):
    """No fault: 1/2 everywhere."""

    name = "correct"

    def fault(self) -> Any:
        return 0.5


class Raises(_Faulty):
    name = "raises"

    def fault(self) -> Any:
        raise RuntimeError("planted fault")


class ReturnsNaN(_Faulty):
    name = "returns-nan"

    def fault(self) -> Any:
        return float("nan")


class ReturnsInfinity(_Faulty):
    name = "returns-infinity"

    def fault(self) -> Any:
        return float("inf")


class ReturnsWrongType(_Faulty):
    name = "returns-wrong-type"

    def fault(self) -> Any:
        return {"estimate": "seven"}


class Hangs(_Faulty):
    name = "hangs"

    def fault(self) -> Any:
        time.sleep(3600)


class HangsInThread(_Faulty):
    """Spins in a thread it waits for: SIGALRM can interrupt the wait, never the thread."""

    name = "hangs-in-thread"

    def fault(self) -> Any:
        def spin() -> None:
            while True:
                pass

        worker = threading.Thread(target=spin)
        worker.start()
        worker.join()


class HangsInC(_Faulty):
    """Backtracks in the regex engine, in C, holding the GIL: no signal handler runs until it returns."""

    name = "hangs-in-c"

    def fault(self) -> Any:
        return float(bool(re.match(r"(a+)+$", "a" * 64 + "b")))


class AllocatesWithoutBound(_Faulty):
    name = "allocates"

    def fault(self) -> Any:
        blocks = []
        while True:
            blocks.append(bytearray(64 * 2**20))


class CallsSysExit(_Faulty):
    name = "calls-sys-exit"

    def fault(self) -> Any:
        sys.exit(3)


class CrashesWithOsExit(_Faulty):
    name = "crashes"

    def fault(self) -> Any:
        os._exit(7)


class Slow(_Faulty):
    """Correct (1/2 everywhere) but 20 ms per call."""

    name = "slow"

    def fault(self) -> Any:
        time.sleep(0.02)
        return 0.5


class WhereAndSeed:
    """A randomised test estimator that reports where it ran and with which seed: the value is the seed,
    the standard error is the process id."""

    name = "where-and-seed"
    domains = frozenset({"boolean"})
    randomised = True
    traceable = False
    options = {"seed": Option(int, 0, "the seed")}

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed

    def estimate(self, instance: Any, arguments: Any) -> Estimate:
        return Estimate(float(self.seed), float(os.getpid()))


class NoisyHalf:
    """A randomised, correct estimator of boundedness' quantities on boolean circuits: 1/2 plus noise
    of standard error 0.01, seeded (for the determinism tests)."""

    name = "noisy-half"
    domains = frozenset({"boolean"})
    randomised = True
    traceable = False
    options = {"seed": Option(int, 0, "the seed")}

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed

    def estimate(self, instance: Any, arguments: Any) -> Estimate:
        import numpy as np

        return Estimate(0.5 + 0.01 * float(np.random.default_rng(self.seed).standard_normal()), 0.01)


class InterruptedAfterAViolation:
    """Estimates 2 (outside [0, 1], so boundedness fails) on boolean circuits of two gates or more, 1/2 on
    smaller ones; once it has given a violation and the checker has confirmed it (a second call on the
    same case, in exact arithmetic), its next call raises KeyboardInterrupt, as Ctrl-C would while the
    violation is being shrunk."""

    name = "interrupted-after-a-violation"
    domains = frozenset({"boolean"})

    def __init__(self) -> None:
        self.violations = 0

    def estimate(self, instance: Any, arguments: Any) -> float:
        if self.violations >= 2:
            raise KeyboardInterrupt
        self.violations += len(instance.gates) >= 2
        return 2.0 if len(instance.gates) >= 2 else 0.5
