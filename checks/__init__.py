"""The compliance checks (合规检查) of govsite: engine, check kinds, detectors, typo engine, report formats.

A library of its own: it imports nothing from the ``govsite`` program. Rule packs and lists ship as data in
``checks/packs/``; the county's additions are handed in by the caller.
"""

from pathlib import Path

__version__ = "0.1.0"
PACKS_DIR = Path(__file__).resolve().parent / "packs"
