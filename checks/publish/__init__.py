"""Publishing the county portal with MkDocs (issue 5).

The build is MkDocs' own event pipeline; ``hooks/portal.py`` forwards the events to
:mod:`checks.publish.hooks`. Plain modules here hold the logic: the gate and publish-date
adapter (:mod:`.sources`), the page catalogue (:mod:`.catalog`), generated pages
(:mod:`.render`), feeds (:mod:`.feeds`), search indexing (:mod:`.search`) and the
output directory handling (:mod:`.output`). :mod:`.runner` is what ``govsite build`` calls.
"""
