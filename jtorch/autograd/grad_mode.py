"""Grad modes: no_grad, enable_grad, set_grad_enabled, inference_mode (thread-local, as in torch)."""
from __future__ import annotations

import functools
import inspect
import threading


class _State(threading.local):
    def __init__(self) -> None:
        self.grad = True
        self.inference = False
        self.anomaly = False
        self.anomaly_check_nan = True


STATE = _State()


def is_grad_enabled() -> bool:
    return STATE.grad


def is_inference_mode_enabled() -> bool:
    return STATE.inference


class _DecoratorContextManager:
    """A context manager that is also a decorator (functions and generators), like torch's."""

    def __call__(self, func):
        if inspect.isclass(func):
            raise RuntimeError(f"{type(self).__name__} cannot decorate a class")
        if inspect.isgeneratorfunction(func):
            @functools.wraps(func)
            def gen_wrapper(*args, **kwargs):
                gen = func(*args, **kwargs)
                try:
                    with self.clone():
                        response = gen.send(None)
                    while True:
                        try:
                            request = yield response
                        except GeneratorExit:
                            with self.clone():
                                gen.close()
                            raise
                        except BaseException as e:
                            with self.clone():
                                response = gen.throw(e)
                        else:
                            with self.clone():
                                response = gen.send(request)
                except StopIteration as e:
                    return e.value
            return gen_wrapper

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.clone():
                return func(*args, **kwargs)
        return wrapper

    def clone(self):
        return type(self)()


class _NoParamDecoratorContextManager(_DecoratorContextManager):
    """Also usable as a decorator without parentheses (``@no_grad``), as in torch."""

    def __new__(cls, orig_func=None):
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)


class no_grad(_NoParamDecoratorContextManager):
    def __init__(self, orig_func=None) -> None:
        self.prev = False

    def __enter__(self) -> None:
        self.prev = STATE.grad
        STATE.grad = False

    def __exit__(self, *exc) -> None:
        STATE.grad = self.prev


class enable_grad(_NoParamDecoratorContextManager):
    def __init__(self, orig_func=None) -> None:
        self.prev = False

    def __enter__(self) -> None:
        self.prev = STATE.grad
        STATE.grad = True

    def __exit__(self, *exc) -> None:
        STATE.grad = self.prev


class set_grad_enabled(_DecoratorContextManager):
    """Takes effect on construction, like torch: ``set_grad_enabled(False)`` alone disables grad."""

    def __init__(self, mode: bool) -> None:
        if not isinstance(mode, bool):
            raise TypeError(f"set_grad_enabled(): argument 'mode' must be bool, not {type(mode).__name__}")
        self.prev = STATE.grad
        self.mode = mode
        STATE.grad = mode

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc) -> None:
        STATE.grad = self.prev

    def clone(self):
        return type(self)(self.mode)

    def __call__(self, func):
        STATE.grad = self.prev  # used as a decorator: undo the constructor's effect
        return super().__call__(func)


class inference_mode(_DecoratorContextManager):
    """Like no_grad; tensors made inside are plain tensors (jtorch has no separate inference tensors)."""

    def __init__(self, mode: bool = True) -> None:
        self.mode = mode
        self.prev = (True, False)

    def __new__(cls, mode=True):
        if callable(mode) and not isinstance(mode, bool):  # used as a bare decorator
            return cls()(mode)
        return super().__new__(cls)

    def __enter__(self) -> None:
        self.prev = (STATE.grad, STATE.inference)
        if self.mode:
            STATE.grad, STATE.inference = False, True
        else:
            STATE.inference = False

    def __exit__(self, *exc) -> None:
        STATE.grad, STATE.inference = self.prev

    def clone(self):
        return type(self)(self.mode)
