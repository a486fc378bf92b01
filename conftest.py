"""Hygiene shared by tests/ and compat/."""
import jax

_CLEAR_EVERY = 200
_count = [0]


def pytest_runtest_teardown(item, nextitem):
    # every jtorch op compiles one XLA executable per signature; a test worker that runs thousands of
    # cases would keep tens of thousands of them loaded and exhaust the process's memory-map limit
    # (vm.max_map_count), which crashes XLA's compiler. Dropping jax's caches now and then frees them.
    _count[0] += 1
    if _count[0] % _CLEAR_EVERY == 0:
        jax.clear_caches()
