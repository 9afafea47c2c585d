"""The in-process SSH signature check agrees with git's own verification (``%G?`` / ``%GF``)."""

from __future__ import annotations

from govsite.review import sshsig
from govsite.git.history import load_history
from govsite.review.signers import allowed_signers
from govsite.core.units import load_units


def git_status(county, allowed, sha: str) -> tuple[str, str]:
    out = county.git("-c", f"gpg.ssh.allowedSignersFile={allowed}", "log", "-1", "--format=%G?|%GF", sha)
    code, fp = out.split("|")
    return code, fp


def test_in_process_check_matches_git(county, tmp_path):
    page = county.write_page()
    county.commit_all("稿件", who="liming")
    good = county.approve("liming", "1", [page])
    unknown = county.approve("stranger", "2", [page])
    expired = county.approve("oldkey", "2", [page])
    unsigned = county.sign("zhangke", county.approval("2", "dachang", [page]), signed=False)
    raw = county.git("cat-file", "commit", good)
    import subprocess

    forged = subprocess.run(["git", "-C", str(county.root), "hash-object", "-t", "commit", "-w", "--stdin"],
                            input=(raw.replace("Review-Tier: 1", "Review-Tier: 3") + "\n").encode(),
                            capture_output=True, check=True).stdout.decode().strip()
    allowed = tmp_path / "allowed"
    allowed.write_text(allowed_signers(load_units(county.root).units.values()))
    history = load_history(county.root, county.git("rev-parse", "HEAD"))
    history_forged = load_history(county.root, forged)

    def ours(sha, hist=history):
        c = hist.commits[sha]
        return sshsig.check(c.signature, c.payload) if c.signature else None

    # good signature by a rostered key: git G, ours good with the same fingerprint
    code, fp = git_status(county, allowed, good)
    assert code == "G" and ours(good).good and sshsig.fingerprint(ours(good).key) == fp
    # a key git does not know: git U, ours is cryptographically good but the gate finds no roster entry
    code, fp = git_status(county, allowed, unknown)
    assert code == "U" and ours(unknown).good and sshsig.fingerprint(ours(unknown).key) == fp
    # a key outside its window: git U (valid-before passed), the gate rejects it by the roster window
    code, _ = git_status(county, allowed, expired)
    assert code == "U" and ours(expired).good
    # unsigned: git N, ours None
    assert git_status(county, allowed, unsigned)[0] == "N" and ours(unsigned) is None
    # tampered message: git B, ours bad
    assert git_status(county, allowed, forged)[0] == "B"
    assert ours(forged, history_forged).good is False


def test_malformed_signature_is_bad_not_a_crash():
    result = sshsig.check(b"-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n", b"x")
    assert result.good is False and result.problem.startswith("malformed")
    assert sshsig.check(b"not a signature", b"x").good is False


def test_openssl_fallback_agrees_with_libsodium(county, monkeypatch):
    import sys

    page = county.write_page()
    county.commit_all("稿件", who="liming")
    good = county.approve("liming", "1", [page])
    c = load_history(county.root, good).commits[good]
    fast = sshsig.check(c.signature, c.payload)
    monkeypatch.setitem(sys.modules, "nacl.bindings", None)   # no PyNaCl: the cryptography (OpenSSL) path
    slow = sshsig.check(c.signature, c.payload)
    bad = sshsig.check(c.signature, c.payload + b"x")
    assert fast.good and slow.good and fast.key == slow.key and not bad.good


def test_git_signatures_mode_gives_the_same_verdicts(county):
    import subprocess

    from tests.govsite.review.conftest import verify_repository

    pages = [county.write_page(f"p{i}.md", body=f"第{i}篇") for i in range(5)]
    county.commit_all("五篇稿件", who="liming")
    county.approve("liming", "1", pages)
    county.approve("zhangke", "2", pages[:1])
    county.approve("stranger", "2", pages[1:2])
    county.approve("oldkey", "2", pages[2:3])
    county.sign("zhangke", county.approval("2", "dachang", pages[3:4]), signed=False)
    county.approve("zhangke", "2", pages[4:5])
    raw = county.git("cat-file", "commit", "HEAD")
    forged = subprocess.run(["git", "-C", str(county.root), "hash-object", "-t", "commit", "-w", "--stdin"],
                            input=(raw.replace(pages[4], pages[4].replace("p4", "p4")) .replace("Review-Checklist:", "Review-Checklist: secrecy,") + "\n").encode(),
                            capture_output=True, check=True).stdout.decode().strip()
    county.git("reset", "-q", "--hard", forged)
    county.approve("zhaozhen", "3", pages)
    ours = verify_repository(county.root)
    gits = verify_repository(county.root, git_signatures=True)
    assert ours.verified == gits.verified and pages[0] in ours.verified
    assert sorted((f.path, f.tier, f.article) for f in ours.failures) == \
        sorted((f.path, f.tier, f.article) for f in gits.failures)
    assert {f.article for f in ours.failures if f.tier == "2"} == {"19", "38"}
