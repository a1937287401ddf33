"""Shared test settings: tolerances (named once, here) and hypothesis profiles."""

import os

import pytest
import torch
from hypothesis import settings

# Exactness against independent references (torch.optim, NumPy), float64. Issue 2.
EXACT_RTOL = 1e-10
EXACT_ATOL = 1e-12
# Analytic hypergradients against the autograd reference, float64, relative. Issue 3.
HYPER_RTOL = 1e-9
# float32 paths that differ only by rounding (foreach vs for-loop on other devices).
FLOAT32_RTOL = 1e-5
FLOAT32_ATOL = 1e-6

settings.register_profile("ci", max_examples=40, deadline=None, derandomize=True)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile(os.getenv("HYPOTHESIS_PROFILE", "ci" if os.getenv("CI") else "dev"))

CUDA = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)
