"""``govsite audit``: 读网 and 通报 — freshness, timeliness, coverage, new media, links, roster, single-veto items."""
