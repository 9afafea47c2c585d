"""The county portal (门户网站), built by MkDocs with govsite's plugin (:mod:`.plugin`) and theme (``theme/``).

:mod:`.build` is what ``govsite build`` runs: verdict, MkDocs with the configuration shipped here
(``mkdocs.yml``), atomic output (:mod:`.output`). The plugin's steps: the catalogue of articles
(:mod:`.catalog`, :mod:`.files`), opening and closing of unit pages (:mod:`.openings`), generated pages
(:mod:`.render`), page context (:mod:`.pagecontext`), each page's navigation (:mod:`.navview`), feeds
(:mod:`.feeds`), search (:mod:`.search`), render digests for 三校 (:mod:`.digests`) and the end of the build
(:mod:`.finish`). Optional speed-ups that never change the output: parallel rendering (:mod:`.parallel`),
article skeletons (:mod:`.skeleton`) and a cheaper theme environment (:mod:`.theme`).

The portal does not judge approvals (:mod:`govsite.review` does) nor audit (:mod:`govsite.audit`): what it
needs of them comes in as :class:`~govsite.portal.state.Services`.
"""
