"""Review (审核): signed, content-bound approvals for the three review tiers (三审) and the publish gate.

Plain modules, testable without the CLI:

- ``gitio``     — running git; batch reads of commits, trees and changes;
- ``dates``     — publish dates (发布日期) of pages, read from git;
- ``trailers``  — the approval (审核意见) commit message format;
- ``signers``   — git's allowed-signers file generated from the roster (人员名单);
- ``sshsig``    — in-process check of git's SSH signatures; ``gitverify`` — the same by git itself;
- ``roster``    — the roster as it stood at any commit; ``changes`` — which change (变更) a commit belongs to;
- ``gate``      — ``verify_repository`` and its report types: the publish gate (发布核验);
- ``verify``    — the gate's rules, 三审 and 三校 (proofs bound to ``govsite.portal.render_digests``); ``status`` — per-page review status (审核状态) of a branch;
- ``approve``   — writing a signed approval commit.

See ``govsite/review/README.md`` for the design and the open points.
"""
