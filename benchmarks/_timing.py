"""Timing helpers shared by the benchmarks: interleaved repeats, median of per-call times, tables."""
from __future__ import annotations

import statistics
import time
from typing import Callable


def per_call_us(fn: Callable[[], object], *, calls: int = 2000, repeats: int = 7, sync: Callable | None = None) -> float:
    """Median over ``repeats`` of the mean time of ``calls`` calls, in microseconds."""
    for _ in range(min(calls, 200)):
        fn()
    if sync:
        sync()
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        if sync:
            sync()
        samples.append((time.perf_counter() - t0) / calls * 1e6)
    return statistics.median(samples)


def table(rows: list[tuple], headers: tuple) -> str:
    widths = [max(len(str(r[i])) for r in rows + [headers]) for i in range(len(headers))]
    line = "  ".join(str(h).ljust(w) for h, w in zip(headers, widths))
    out = [line, "-" * len(line)]
    for r in rows:
        out.append("  ".join(str(c).ljust(w) for c, w in zip(r, widths)))
    return "\n".join(out)


def interleaved(runs: dict, rounds: int, per_round: int, single: set = frozenset()) -> dict:
    """Milliseconds per call of each ``(fn, sync)`` in ``runs``, timed in alternating rounds of
    ``per_round`` calls (one call for the names in ``single``) in a rotating order, so a slow patch of
    the machine, or threads still spinning after the variant before, hit every variant alike."""
    for fn, sync in runs.values():  # warm-up: compilation and first allocations
        fn()
        fn()
        sync()
    out: dict = {k: [] for k in runs}
    keys = list(runs)
    for r in range(rounds):
        for k in keys[r % len(keys):] + keys[:r % len(keys)]:  # each variant takes every position in turn
            fn, sync = runs[k]
            n = 1 if k in single else per_round
            time.sleep(0.05)  # let the previous variant's worker threads (torch's OpenMP pool) go idle
            t0 = time.perf_counter()
            for _ in range(n):
                fn()
            sync()
            out[k].append((time.perf_counter() - t0) * 1e3 / n)
    return out
