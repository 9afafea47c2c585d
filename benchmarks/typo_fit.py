"""Fit the typo engine's logistic score on a development file: ``python benchmarks/typo_fit.py --data FILE``.

Every candidate the engine generates for the source sentences (no gate, no threshold: the engine's debug
mode) becomes one row: the character model's gain, sunpinyin's word-bigram gain and the smaller of the two,
libime's word-trigram gain when it is installed (``--bigrams`` leaves it out), the unweighted features of :meth:`TypoEngine.features` and one
indicator per (tier, class); the label says whether the candidate is the target's text.  Logistic regression
by iteratively reweighted least squares with a small ridge (pure Python, about a minute), printed as the
``Score(...)`` literal of ``checks/typo/scoring.py``.  Two parts are set by rule, not fitted: the acceptance
threshold (a log-odds) and the margin by which the real-word class is held back (``ACCEPT`` and
``REAL_WORD_MARGIN`` in ``checks/typo/scoring.py``).  ``benchmarks/typos.py --folds K`` refits the score the
same way on the training folds of a cross-validation (see BENCHMARKS.md).
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

FEATURES = ("old", "new", "new_word", "new_strong", "old_word", "left_edge", "right_edge")


def collect_rows(rows, engine) -> tuple[list[tuple[int, int]], list[list[tuple[list[float], int]]]]:
    """The classes, and per sentence the (features, label) of every candidate of its source: cross-validation
    fits on the candidates of some sentences and evaluates on the others."""
    from checks.typo import engine as E

    classes = sorted(engine.score.offsets)
    per_row: list[list[tuple[list[float], int]]] = []
    engine.debug = True
    try:
        for _count, src, tgt in rows:
            got: list[tuple[list[float], int]] = []
            for m in E.HAN_RUN.finditer(src):
                run, base = m.group(), m.start()
                for a, b, r, _z, tier_class, gain, char_gain, trigram_gain in engine._statistical(run):
                    if tier_class not in engine.score.offsets:
                        continue
                    x = [1.0, char_gain, gain, min(gain, char_gain)]
                    if engine.trigrams is not None:
                        x.append(trigram_gain)
                    x += engine.features(run, a, b, r)
                    x += [1.0 if tier_class == c else 0.0 for c in classes[1:]]  # the first class is the base
                    got.append((x, 1 if tgt[base + a:base + b] == r else 0))
            per_row.append(got)
    finally:
        engine.debug = False
    return classes, per_row


def collect(rows, engine) -> tuple[list[tuple[int, int]], list[list[float]], list[int]]:
    """Rows (features) and labels of every candidate of the source sentences."""
    classes, per_row = collect_rows(rows, engine)
    xs = [x for got in per_row for x, _y in got]
    ys = [y for got in per_row for _x, y in got]
    return classes, xs, ys


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    n = len(vector)
    m = [row[:] + [vector[i]] for i, row in enumerate(matrix)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        for r in range(n):
            if r != c and m[c][c]:
                f = m[r][c] / m[c][c]
                m[r] = [x - f * y for x, y in zip(m[r], m[c])]
    return [m[i][n] / m[i][i] for i in range(n)]


def _log_likelihood(w, xs, ys, ridge) -> float:
    total = 0.0
    for x, y in zip(xs, ys):
        z = max(-30.0, min(30.0, sum(a * b for a, b in zip(w, x))))
        total -= math.log1p(math.exp(-z)) if y else math.log1p(math.exp(z))
    return total - ridge / 2 * sum(v * v for v in w[1:])


def fit(xs: list[list[float]], ys: list[int], ridge: float = 1.0, steps: int = 30) -> list[float]:
    """Newton steps with step halving; the intercept is not penalised."""
    k = len(xs[0])
    w = [0.0] * k
    w[0] = -4.0
    current = _log_likelihood(w, xs, ys, ridge)
    for _ in range(steps):
        hess = [[ridge if i == j and i else 0.0 for j in range(k)] for i in range(k)]
        grad = [-(ridge * w[i]) if i else 0.0 for i in range(k)]
        for x, y in zip(xs, ys):
            z = max(-30.0, min(30.0, sum(a * b for a, b in zip(w, x))))
            p = 1.0 / (1.0 + math.exp(-z))
            s = p * (1.0 - p)
            nz = [i for i in range(k) if x[i]]
            for i in nz:
                grad[i] += (y - p) * x[i]
                row, si = hess[i], s * x[i]
                for j in nz:
                    row[j] += si * x[j]
        step = _solve(hess, grad)
        t = 1.0
        while t > 1e-3:
            trial = [a + t * b for a, b in zip(w, step)]
            value = _log_likelihood(trial, xs, ys, ridge)
            if value >= current - 1e-9:
                break
            t /= 2
        w, current = trial, value
        if max(abs(v) for v in step) * t < 1e-4:
            break
    return w


def to_score(w: list[float], classes: list[tuple[int, int]], trigrams: bool):
    """The fitted weights as the engine's :class:`checks.typo.scoring.Score`, with the two parts that are set by
    rule rather than fitted: the acceptance threshold and the real-word class's margin
    (:data:`checks.typo.scoring.ACCEPT`, :data:`checks.typo.scoring.REAL_WORD_MARGIN`)."""
    from checks.typo import scoring as S

    names = ["bias", "char", "word", "both"] + (["trigram"] if trigrams else []) + list(FEATURES)
    weights = dict(zip(names, w))
    weights.setdefault("trigram", 0.0)
    offsets = {classes[0]: 0.0}
    offsets.update({c: w[len(names) + i] for i, c in enumerate(classes[1:])})
    if S.REAL_WORD in offsets:
        offsets[S.REAL_WORD] -= S.REAL_WORD_MARGIN
    return S.Score(**weights, offsets=offsets, accept=S.ACCEPT)


def fit_score(classes, xs, ys, trigrams: bool, ridge: float | None = None):
    """Fit the logistic score on these candidates (``ridge`` default :data:`checks.typo.scoring.RIDGE`)."""
    from checks.typo import scoring as S

    return to_score(fit(xs, ys, S.RIDGE if ridge is None else ridge), classes, trigrams)


def score_literal(score) -> str:
    fields = ("bias", "word", "char", "both", "trigram", "old", "new", "new_word", "new_strong", "old_word",
              "left_edge", "right_edge")
    return ("Score(" + ", ".join(f"{n}={getattr(score, n):.3f}" for n in fields)
            + ", offsets={" + ", ".join(f"{c}: {v:.3f}" for c, v in score.offsets.items()) + "}"
            + f", accept={score.accept})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, required=True, help="error_count<TAB>source<TAB>target file")
    ap.add_argument("--bigrams", action="store_true", help="fit the score without libime (sunpinyin's bigrams)")
    ap.add_argument("--ridge", type=float, help="ridge penalty of the fit (default: RIDGE in checks/typo/scoring.py)")
    args = ap.parse_args(argv)
    from typos import read_tsv

    import checks.typo.engine as E

    model = E.load_model()
    if args.bigrams:
        model = dict(model, libime=None)
    engine = E.TypoEngine(model, {})
    classes, xs, ys = collect(read_tsv(args.data), engine)
    print(f"{len(xs)} candidates, {sum(ys)} right; fitting …", file=sys.stderr)
    print(score_literal(fit_score(classes, xs, ys, engine.trigrams is not None, args.ridge)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
