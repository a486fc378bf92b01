"""Timing helpers shared by the benchmarks: interleaved repeats, median of per-call times."""
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
