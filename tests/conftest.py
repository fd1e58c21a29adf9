"""Hypothesis profiles and shared fixtures."""

import os

from hypothesis import settings

settings.register_profile("ci", max_examples=100, deadline=None, print_blob=True)
settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile("thorough", max_examples=5_000, deadline=None)
# Long local runs of the fuzz suite: pytest --hypothesis-profile=deep tests/test_fuzz_*.py
settings.register_profile("deep", max_examples=20_000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
