"""compat/: differential tests against real PyTorch. Skipped as a whole when torch is not installed."""
import pytest

torch = pytest.importorskip("torch", reason="compat/ compares jtorch with real PyTorch: pip install torch==2.13.0")
