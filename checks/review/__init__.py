"""Review (审核): signed, content-bound approvals for the three review tiers (三审) and the publish gate.

Plain modules, testable without the CLI:

- ``gitio``     — running git, batch reads of commits, trees and signatures;
- ``dates``     — publish dates (发布日期) of pages, read from git;
- ``signers``   — git's allowed-signers file generated from the roster (人员名单);
- ``trailers``  — the approval (审核意见) commit message format;
- ``gate``      — ``verify_repository``: the publish gate (发布核验);
- ``status``    — per-page review status of a merge-request branch;
- ``approve``   — writing a signed approval commit.
"""
