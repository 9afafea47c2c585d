"""govsite: compliance-first publishing for Chinese county government portals.

The import name is ``checks``; the console command is ``govsite``.
"""

__version__ = "0.1.0"
