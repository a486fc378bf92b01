"""compat/: differential tests against real PyTorch. Skipped as a whole when torch is not installed."""
import os
import sys

import pytest

# the test modules import their shared helpers (harness, nn_models ...) by plain name
sys.path.insert(0, os.path.dirname(__file__))

torch = pytest.importorskip("torch", reason="compat/ compares jtorch with real PyTorch: pip install torch==2.13.0")
