"""Running the compliance checks (合规检查) on a county repository.

The checks library (:mod:`checks`) checks one page given what it knows of the county; this package supplies
that knowledge from the repository (:mod:`.context`: the county's lists, names and published numbers, and the
content model as the page reader), checks many pages with a result cache (:mod:`.cache`) and over every core
(:mod:`.run`), and writes accepted fixes back into the files (:mod:`.fixes`). ``govsite check``, the audit's
serious-error item and the desk all go through here.
"""
