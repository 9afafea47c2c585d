"""Fixtures for the desk tests: the review tests' ssh-keygen keys."""

from tests.govsite.review.conftest import keys  # noqa: F401 - a fixture
