"""Typo benchmark: ``python benchmarks/typos.py --data FILE [--engine|--check]``.

FILE is tab-separated, one sentence a line: ``error_count<TAB>source<TAB>target`` (source and target of equal
length; the format of the ECSpell / SIGHAN sets).  Prints:

* sentence-level detection and correction precision / recall / F1 (SIGHAN definitions: a sentence counts for
  detection only if the flagged positions are exactly the wrong ones, for correction only if applying the
  suggestions gives the target; precision is over sentences with at least one finding, recall over sentences
  with at least one error);
* character-level detection precision / recall / F1;
* false alarms per 10,000 characters of clean text: the targets of the zero-error lines; the targets of all
  lines (a larger sample: every target is the corrected sentence, though a few targets of the public set still
  carry slips of their own); and, with ``--content DIR``, the Markdown pages of a content folder;
* sentences (and characters) per second on one core after loading (CPU time of the process), and the load time.

By default the sentences go through the real check path (:func:`govsite.compliance.run.check_snippet`, every typo rule
of the repository's packs, data rules included); ``--engine`` calls :class:`checks.typo.TypoEngine` directly.
Speed: ``--repeat N`` times N passes, each with the engine's memories emptied, and reports the median (this
machine's speed drifts); ``--page-sentences N`` puts N sentences on one page of the check path, as on a real
site, so what a page as such costs (front matter, page-level rules) is shared by its sentences.
``--folds K`` adds K-fold cross-validation: sentences are grouped (the same sentence with other slips shares a
fold), the engine's logistic score is refitted on the other folds' candidates as ``benchmarks/typo_fit.py``
fits it, and every fold is evaluated held out; the mean, spread and the pooled figure of each measure are
printed (``--no-refit`` also shows the shipped score on the same folds).
``--z-offset TIER,CLASS=VALUE``, ``--accept-z VALUE`` and ``--weak-z VALUE`` change the engine's score for
one run (the figures of the trade-offs in BENCHMARKS.md: ``--engine --z-offset 2,5=6``); ``--max-tier 3``
also examines the characters of frequent words.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def read_tsv(path: Path) -> list[tuple[int, str, str]]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3 or len(parts[1]) != len(parts[2]):
                continue
            out.append((int(parts[0]), parts[1], parts[2]))
    return out


def make_checker(mode: str):
    """A function text -> list of (start, end, suggestion), and its load time."""
    t0 = time.perf_counter()
    if mode == "engine":
        from checks.typo import load_engine

        engine = load_engine({}, None)

        def run(text: str):
            return [(h.start, h.end, h.correct) for h in engine.find(text)]
        run.engine = engine
    else:
        from govsite.compliance.run import check_snippet as check_text
        from govsite.compliance.run import default_checker

        checker = default_checker()
        checker.warm_up()

        def run(text: str):
            return run_page([text])[0]

        def run_page(texts: list[str]) -> list[list]:
            # one page, one sentence a paragraph: sentence k is on line 2k+1
            out: list[list] = [[] for _ in texts]
            for f in check_text("\n\n".join(texts), checker):
                if f.category != "typo" or f.line % 2 == 0 or f.line // 2 >= len(texts):
                    continue
                out[f.line // 2].append((f.column - 1, f.end_column - 1, f.suggestion or ""))
            return out
        run.page = run_page
        from checks.detectors.typo import get_engine

        run.engine = get_engine(checker.context)
    return run, time.perf_counter() - t0


def apply(text: str, hits) -> str:
    chars = list(text)
    for start, end, sugg in hits:
        if sugg and len(sugg) == end - start:
            chars[start:end] = list(sugg)
    return "".join(chars)


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def timed_pass(rows, run, page_sentences: int = 1) -> tuple[list, float]:
    """One pass over the sentences with the engine's memories emptied first: CPU seconds of this process.

    With ``page_sentences`` > 1 (check path only), that many sentences make one page, as on a real site, so the
    cost of a page as such (front matter, the page-level rules) is shared by its sentences."""
    forget = getattr(getattr(run, "engine", None), "forget", None)
    if forget is not None:  # (older revisions of the engine have no forget(): compared as they are)
        forget()
    t0 = time.process_time()  # CPU time of this process: "on one core", whatever else the machine runs
    page = getattr(run, "page", None)
    if page is None or page_sentences <= 1:
        results = [run(src) for _, src, _ in rows]
    else:
        results = []
        for i in range(0, len(rows), page_sentences):
            results.extend(page([src for _, src, _ in rows[i:i + page_sentences]]))
    return results, time.process_time() - t0


def evaluate(rows, run, show: int = 0, repeat: int = 1, page_sentences: int = 1) -> dict:
    s_pred = s_gold = det_tp = cor_tp = 0
    c_tp = c_pred = c_gold = 0
    clean_chars = clean_fa = 0
    shown = 0
    results, elapsed = timed_pass(rows, run, page_sentences)
    if repeat > 1:  # this machine's speed drifts: the median of several passes
        times = [elapsed] + [timed_pass(rows, run, page_sentences)[1] for _ in range(repeat - 1)]
        elapsed = statistics.median(times)
    for (_, src, tgt), hits in zip(rows, results):
        pred = apply(src, hits)
        flagged = set()
        for start, end, sugg in hits:
            for q in range(start, end):
                if not sugg or len(sugg) != end - start or sugg[q - start] != src[q]:
                    flagged.add(q)
        gold = {i for i, (a, b) in enumerate(zip(src, tgt)) if a != b}
        if gold:
            s_gold += 1
        if flagged:
            s_pred += 1
            if flagged == gold:
                det_tp += 1
            if pred == tgt:
                cor_tp += 1
        c_gold += len(gold)
        c_pred += len(flagged)
        c_tp += len(gold & flagged)
        if not gold:
            clean_chars += len(tgt)
            clean_fa += len(hits)
        if show and shown < show and flagged != gold:
            shown += 1
            print(f"  漏/误  {src}\n        {pred}\n     应 {tgt}")
    all_chars = all_fa = 0
    for (_, src, tgt), hits in zip(rows, results):
        if src != tgt:
            hits = run(tgt)  # not timed: the speed figure is over the sources only
        all_chars += len(tgt)
        all_fa += len(hits)
    return {
        "counts": {"s_pred": s_pred, "s_gold": s_gold, "det_tp": det_tp, "cor_tp": cor_tp, "c_tp": c_tp,
                   "c_pred": c_pred, "c_gold": c_gold, "clean_chars": clean_chars, "clean_fa": clean_fa,
                   "all_chars": all_chars, "all_fa": all_fa},
        "all_fa_per_10k": all_fa * 10000 / all_chars if all_chars else 0.0,
        "all_chars": all_chars,
        "sentences": len(rows),
        "det": prf(det_tp, s_pred, s_gold),
        "cor": prf(cor_tp, s_pred, s_gold),
        "char": prf(c_tp, c_pred, c_gold),
        "clean_chars": clean_chars,
        "fa_per_10k": clean_fa * 10000 / clean_chars if clean_chars else 0.0,
        "seconds": elapsed,
        "sent_per_s": len(rows) / elapsed if elapsed else 0.0,
        "chars_per_s": sum(len(s) for _, s, _ in rows) / elapsed if elapsed else 0.0,
    }


def fold_of(rows, k: int, seed: int = 0) -> list[int]:
    """The fold of every row for K-fold cross-validation, by groups: rows whose targets begin alike (the
    same sentence with other slips, or clean) share a fold, so no sentence is both fitted and tested on.
    Groups are shuffled with ``seed`` and dealt out largest first to the smallest fold."""
    import random

    groups: dict[str, list[int]] = {}
    for i, (_count, _src, tgt) in enumerate(rows):
        groups.setdefault(tgt[:10], []).append(i)
    order = sorted(groups)
    random.Random(seed).shuffle(order)
    order.sort(key=lambda key: -len(groups[key]))  # stable: equal sizes stay shuffled
    sizes = [0] * k
    out = [0] * len(rows)
    for key in order:
        f = min(range(k), key=lambda j: (sizes[j], j))
        sizes[f] += len(groups[key])
        for i in groups[key]:
            out[i] = f
    return out


def _pooled(results: list[dict]) -> dict:
    """The figures of all held-out folds taken together (every sentence tested once)."""
    c = {key: sum(r["counts"][key] for r in results) for key in results[0]["counts"]}
    return {
        "det": prf(c["det_tp"], c["s_pred"], c["s_gold"]),
        "cor": prf(c["cor_tp"], c["s_pred"], c["s_gold"]),
        "char": prf(c["c_tp"], c["c_pred"], c["c_gold"]),
        "fa_per_10k": c["clean_fa"] * 10000 / c["clean_chars"] if c["clean_chars"] else 0.0,
        "all_fa_per_10k": c["all_fa"] * 10000 / c["all_chars"] if c["all_chars"] else 0.0,
        "counts": c,
    }


CV_MEASURES = (("det P", lambda r: r["det"][0]), ("det R", lambda r: r["det"][1]), ("det F1", lambda r: r["det"][2]),
               ("cor P", lambda r: r["cor"][0]), ("cor R", lambda r: r["cor"][1]), ("cor F1", lambda r: r["cor"][2]),
               ("char F1", lambda r: r["char"][2]), ("FA/10k clean", lambda r: r["fa_per_10k"]),
               ("FA/10k all", lambda r: r["all_fa_per_10k"]))


def cross_validate(rows, run, k: int, seed: int = 0, refit: bool = True, ridge: float | None = None) -> dict:
    """K-fold cross-validation: for every fold, the engine's logistic score is refitted on the candidates of
    the other folds (``benchmarks/typo_fit.py``, the same rules for the parts that are not fitted) and the
    held-out fold is evaluated through ``run``.  ``refit=False`` evaluates the shipped score on every fold
    instead (fitted on the whole file: optimistic, for comparison)."""
    import typo_fit

    engine = run.engine
    folds = fold_of(rows, k, seed)
    shipped = engine.score
    per_row = classes = None
    if refit:
        classes, per_row = typo_fit.collect_rows(rows, engine)
    results = []
    try:
        for f in range(k):
            test = [row for row, g in zip(rows, folds) if g == f]
            if refit:
                xs = [x for got, g in zip(per_row, folds) if g != f for x, _y in got]
                ys = [y for got, g in zip(per_row, folds) if g != f for _x, y in got]
                engine.score = typo_fit.fit_score(classes, xs, ys, engine.trigrams is not None, ridge)
            engine.forget()
            results.append(evaluate(test, run))
    finally:
        engine.score = shipped
        engine.forget()
    return {"folds": results, "pooled": _pooled(results), "sizes": [folds.count(f) for f in range(k)]}


def print_cv(cv: dict, label: str) -> None:
    results = cv["folds"]
    print(f"{label}: {len(results)} folds of {'/'.join(map(str, cv['sizes']))} sentences "
          f"(grouped by sentence), held-out figures")
    print(f"  {'measure':14s} {'mean':>6s} {'std':>6s} {'min':>6s} {'max':>6s} {'pooled':>7s}   per fold")
    for name, get in CV_MEASURES:
        values = [get(r) for r in results]
        std = statistics.stdev(values) if len(values) > 1 else 0.0
        print(f"  {name:14s} {statistics.mean(values):6.3f} {std:6.3f} {min(values):6.3f} {max(values):6.3f} "
              f"{get(cv['pooled']):7.3f}   " + " ".join(f"{v:.3f}" for v in values))
    c = cv["pooled"]["counts"]
    print(f"  pooled: {c['s_pred']} sentences flagged, {c['det_tp']} exactly right, {c['clean_fa']} false alarms "
          f"in {c['clean_chars']} clean characters, {c['all_fa']} in {c['all_chars']} characters of all targets")


def content_false_alarms(folder: Path, run) -> tuple[int, int]:
    chars = hits = 0
    for p in sorted(folder.rglob("*.md")):
        text = p.read_text(encoding="utf-8", errors="replace")
        if text.startswith("---"):
            end = text.find("\n---", 3)
            if end > 0:
                text = text[end + 4:]
        for line in text.split("\n"):
            if not line.strip():
                continue
            chars += len(line)
            hits += len(run(line))
    return chars, hits


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, required=True, help="error_count<TAB>source<TAB>target file")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--engine", action="store_const", const="engine", dest="mode", help="call TypoEngine directly")
    mode.add_argument("--check", action="store_const", const="check", dest="mode", help="go through checks.engine (default)")
    ap.add_argument("--content", type=Path, help="a content/ folder whose pages count as clean text")
    ap.add_argument("--show", type=int, default=0, help="print N sentences that were not handled right")
    ap.add_argument("--z-offset", action="append", default=[], metavar="TIER,CLASS=VALUE",
                    help="override one offset of the engine's scores (checks/typo/engine.py Score.offsets)")
    ap.add_argument("--accept-z", type=float, help="override the acceptance threshold of the engine's scores (accept)")
    ap.add_argument("--repeat", type=int, default=1, help="time N passes (memories emptied each time), report the median")
    ap.add_argument("--page-sentences", type=int, default=1,
                    help="check path: put N sentences on one page (the sample county averages 8); default 1")
    ap.add_argument("--weak-z", type=float,
                    help="override WEAK_Z, the threshold in a sentence that already has a finding")
    ap.add_argument("--max-tier", type=int, help="override MAX_TIER (3: also examine characters of frequent words)")
    ap.add_argument("--folds", type=int, default=0,
                    help="K-fold cross-validation: refit the score on K-1 folds, evaluate the held-out fold")
    ap.add_argument("--seed", type=int, default=0, help="shuffle of the sentence groups into folds (--folds)")
    ap.add_argument("--no-refit", action="store_true",
                    help="with --folds: also evaluate the shipped score (fitted on the whole file) on every fold")
    ap.add_argument("--ridge", type=float, help="with --folds: ridge penalty of the refits")
    args = ap.parse_args(argv)
    if args.z_offset or args.accept_z is not None or args.max_tier is not None or args.weak_z is not None:
        from checks.typo import engine as typo_engine

        for item in args.z_offset:
            try:
                key, value = item.split("=", 1)
                tier, cls = (int(x) for x in key.split(","))
                for score in (typo_engine.SCORE_BIGRAMS, typo_engine.SCORE_TRIGRAMS):
                    score.offsets[(tier, cls)] = float(value)
            except ValueError:
                print(f"typos: --z-offset 应写成 层级,类别=数值（例如 2,5=6）：{item}", file=sys.stderr)
                return 2
        if args.accept_z is not None:
            for score in (typo_engine.SCORE_BIGRAMS, typo_engine.SCORE_TRIGRAMS):
                score.accept = args.accept_z
        if args.weak_z is not None:
            typo_engine.WEAK_Z = args.weak_z
        if args.max_tier is not None:
            typo_engine.MAX_TIER = args.max_tier
    mode_name = args.mode or "check"
    if mode_name == "check":
        try:
            import checks.engine  # noqa: F401
        except ImportError:
            mode_name = "engine"
    rows = read_tsv(args.data)
    run, load_s = make_checker(mode_name)
    run(rows[0][1] if rows else "测试")  # warm the lazily built parts
    r = evaluate(rows, run, args.show, max(1, args.repeat), max(1, args.page_sentences))
    print(f"data: {args.data}  ({r['sentences']} sentences, path: {mode_name})")
    for key, label in (("det", "sentence detection"), ("cor", "sentence correction"), ("char", "character detection")):
        p, rec, f = r[key]
        print(f"{label:22s} P={p:.3f} R={rec:.3f} F1={f:.3f}")
    print(f"false alarms per 10k clean chars: {r['fa_per_10k']:.2f}  ({r['clean_chars']} chars in zero-error targets)")
    print(f"false alarms per 10k chars of all targets: {r['all_fa_per_10k']:.2f}  ({r['all_chars']} chars)")
    if args.content:
        chars, hits = content_false_alarms(args.content, run)
        rate = hits * 10000 / chars if chars else 0.0
        print(f"false alarms per 10k chars of {args.content}: {rate:.2f}  ({hits} in {chars} chars)")
    print(f"speed: {r['sent_per_s']:.0f} sentences/s, {r['chars_per_s']:.0f} chars/s on one core")
    print(f"load: {load_s:.3f} s (in-process, model cache warm)")
    if args.folds >= 2:
        print_cv(cross_validate(rows, run, args.folds, args.seed, ridge=args.ridge),
                 "cross-validation, score refitted per fold")
        if args.no_refit:
            print_cv(cross_validate(rows, run, args.folds, args.seed, refit=False),
                     "the same folds, shipped score (fitted on the whole file)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
