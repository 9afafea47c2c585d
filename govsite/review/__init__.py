"""Review (审核): signed, content-bound approvals for 三审三校 and the publish gate (发布核验).

- ``policy``   — who signs which tier, what each tier affirms, when a signer may not sign (pure; shared by
  ``approve`` and the gate);
- ``trailers`` — the approval (审核意见) commit message format;
- ``roster``   — the roster (人员名单) as it stood at any commit; ``changes`` — which change (变更) a commit
  belongs to and the base that judges it; ``trust`` — settings read from the root of trust;
- ``sshsig``   — in-process check of git's SSH signatures; ``gitverify`` — the same by git itself;
  ``signers`` — git's allowed-signers file generated from the roster;
- ``judge``    — whether one approval counts for one tier of one path; ``select`` — which approvals count;
  ``proofs`` — 三校, bound to the render digests the caller supplies; ``gate`` — ``verify_repository``;
  ``report`` — what the gate reports; ``status`` — the review status of a merge-request branch;
- ``approve``  — writing a signed approval commit, refusing in advance what the gate would refuse.

Git is read through :mod:`govsite.git`; the portal is never imported (render digests come in as a function).
See ``govsite/review/README.md`` for the design and the open points.
"""
