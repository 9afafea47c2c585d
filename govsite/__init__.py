"""govsite: compliance-first publishing for Chinese county government portals.

The program (``govsite`` command, MkDocs plugin, review gate, audits) lives here; the compliance checks it
runs are the separate library :mod:`checks`, which knows nothing of this package.
"""

__version__ = "0.1.0"
