"""Hypothesis settings for the property tests.

The default profile is derandomized (the same examples on every run, so CI is reproducible), keeps no example
database on disk and has no per-example deadline (the machine is small and shared); each test bounds its own
example count. ``HYPOTHESIS_PROFILE=explore`` draws fresh random examples for a local hunt.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("govsite", derandomize=True, database=None, deadline=None, print_blob=False,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("explore", parent=settings.get_profile("govsite"), derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "govsite"))
