#!/usr/bin/python3
"""Tag rankings that add the song's nearest training songs' tags to the model's score, measured on
exactly the numbers `songspace-cli eval` used (docs/experiments.md section 7.2).

  SONGSPACE_CLI=build/ci/app/songspace-cli scripts/stack-tag-votes.py DB [FIRST] [LAST] [--data DIR]

For each seed, `eval --calibration-data` writes the held-out (tag, raw score, label) pairs the tag
calibration is fitted on (cross-fitted: each song scored by a model that did not train on it),
the test songs' raw tag scores and, per held-out and per test song, its 50 nearest tagged training
songs (of the fold's training songs for a held-out song, of the whole training part for a test
song) by cosine in the model's input feature space and in the joint space (V x, the fold model's
or the final model's), and the test songs' mean raw tag scores by the fold models. --data DIR keeps those files (seedN.json) and reuses them.

The vote of tag t is the cosine-weighted share of the k nearest carrying t:
v_t = sum over neighbours with t of max(cos, 0) / sum over neighbours of max(cos, 0). Variants,
each fitted on the held-out songs and applied to the test songs (only the tag probability differs
between rows):
- today: P = sigmoid(a_t s_t + b_t), per-tag MAP under N(pooled ML fit, sigma_a = |a|/2,
  sigma_b = 2) (core::fitCalibration);
- stack: P = sigmoid(a_t s_t + c v_t + b_t): pooled ML fit of (a, c, b), then per tag the MAP fit
  under N(pooled, sigma_a = |a|/2, sigma_c -> 0 (one c for all tags), sigma_b = 2);
- votes: P = sigmoid(c_t v_t + b_t), the same shrinkage (no model score: calibrated kNN);
- chosen per seed: the variant with the lowest 5-fold cross-validated log loss on the held-out
  songs (folds by song), among today, votes and stacks of both spaces with k in 3, 5, 10, 20;
- committee: today's fits applied to the test songs' mean raw score by the fold models that
  scored the held-out songs ("test_fold_scores"), or by those and the final model (equal weights).
Printed per variant over the seeds: mean tag p@1, paired difference from today (mean and standard
error), the seeds below popularity (the tag most training songs carry; ties to the lower index),
pooled and mean ECE (10 bins over every test song x candidate tag), mean Brier, auto-tag at the
precision threshold fitted on the held-out probabilities (floor 0.5): pooled precision, proposals,
mean coverage; then the per-seed p@1 of each variant, each variant's held-out cross-validated log
loss summed over the seeds, and the variant chosen on each seed.

Pure Python (no numpy): the fits are Newton iterations on the logistic log posterior, as
core/model/calibration.cpp, in 2 or 3 parameters.
"""
import json
import math
import os
import subprocess
import sys
import tempfile

from tagfit import log_sigmoid, precision_threshold, sigmoid, solve

MAX_ITERATIONS = 100
UNREGULARISED_BOUND = 50.0
SLOPE_PRIOR_SCALE = 0.5
INTERCEPT_PRIOR_STD = 2.0
SHARED = 1e-4  # prior std of the vote's coefficient around the pooled one: one c for every tag
KS = (3, 5, 10, 20)
CV_FOLDS = 5


def fit_logistic(rows, labels, prior=None):
    """ML (prior None: start at the base rate, parameters bounded by 50) or MAP (prior = (mean,
    std), diagonal Gaussian) logistic fit; each row's last entry is the constant 1."""
    if not rows:
        return list(prior[0]) if prior else None
    d = len(rows[0])
    if prior:
        w, mean, precision = list(prior[0]), prior[0], [1 / s ** 2 for s in prior[1]]
    else:
        rate = min(max(sum(labels) / len(labels), 1e-6), 1 - 1e-6)
        w, mean, precision = [0.0] * (d - 1) + [math.log(rate / (1 - rate))], [0.0] * d, [0.0] * d

    def value(w):
        v = 0.0
        for x, y in zip(rows, labels):
            z = sum(a * b for a, b in zip(w, x))
            v += log_sigmoid(z) if y else log_sigmoid(-z)
        return v - 0.5 * sum(p * (a - m) ** 2 for p, a, m in zip(precision, w, mean))

    current = value(w)
    for _ in range(MAX_ITERATIONS):
        g = [-p * (a - m) for p, a, m in zip(precision, w, mean)]
        h = [[0.0] * d for _ in range(d)]
        for i in range(d):
            h[i][i] = precision[i] + (0 if prior else 1e-9)
        for x, y in zip(rows, labels):
            p = sigmoid(sum(a * b for a, b in zip(w, x)))
            for i in range(d):
                g[i] += (y - p) * x[i]
                for j in range(d):
                    h[i][j] += p * (1 - p) * x[i] * x[j]
        step = solve(h, g)
        if step is None:
            break
        scale, moved = 1.0, False
        for _ in range(30):
            candidate = [a + scale * b for a, b in zip(w, step)]
            if not prior:
                candidate = [min(max(a, -UNREGULARISED_BOUND), UNREGULARISED_BOUND)
                             for a in candidate]
            following = value(candidate)
            if following >= current:
                moved = True
                break
            scale *= 0.5
        if not moved:
            break
        done = following - current < 1e-10 * (1 + abs(current))
        w, current = candidate, following
        if done:
            break
    return w


def features(kind, score, vote):
    if kind == "today":
        return [score, 1.0]
    if kind == "votes":
        return [vote, 1.0]
    return [score, vote, 1.0]


def fit(kind, pairs):
    """pairs: (tag, score, vote, label). Returns tag -> weights (the pooled fit for other tags)."""
    rows = [features(kind, s, v) for _, s, v, _ in pairs]
    labels = [y for *_, y in pairs]
    pooled = fit_logistic(rows, labels)
    std = [SLOPE_PRIOR_SCALE * max(abs(pooled[0]), 0.1)]
    if kind == "stack":
        std.append(SHARED)
    std.append(INTERCEPT_PRIOR_STD)
    by_tag = {}
    for (t, *_), row, y in zip(pairs, rows, labels):
        by_tag.setdefault(t, ([], []))
        by_tag[t][0].append(row)
        by_tag[t][1].append(y)
    fits = {t: fit_logistic(r, y, (pooled, std)) for t, (r, y) in by_tag.items()}
    return lambda t: fits.get(t, pooled)


def z_of(weights, kind, score, vote):
    return sum(a * b for a, b in zip(weights, features(kind, score, vote)))


def votes(neighbours, song_tags, num_tags, k):
    v, total = [0.0] * num_tags, 0.0
    for song, cosine in neighbours[:k]:
        w = max(cosine, 0.0)
        total += w
        for t in song_tags[song]:
            v[t] += w
    return [x / total for x in v] if total > 0 else v


class Seed:
    def __init__(self, data):
        self.data = data
        held = data["held_out"]
        self.num_tags = len(data["tag_frequency"])
        self.song = []  # per held-out pair: the index of its song among the held-out tagged songs
        previous = None
        for t in held["tag"]:
            if previous is None or t <= previous:
                self.song.append(self.song[-1] + 1 if self.song else 0)
            else:
                self.song.append(self.song[-1])
            previous = t
        self.candidates = [t for t, n in enumerate(data["tag_frequency"]) if n > 0]
        self.popular = max(self.candidates, key=lambda t: (data["tag_frequency"][t], -t))

    def pairs(self, space, k, committee=None):
        """(tag, score, vote, label) per held-out pair; per test song (scores, votes, tags). The
        test songs' scores are the final model's, or with committee "folds" the mean of the fold
        models', with "all" the mean of those and the final model's (weight 1 / (folds + 1))."""
        held, n = self.data["held_out"], self.data["neighbours"]
        song_tags = n["train_song_tags"]
        held_votes = [votes(x, song_tags, self.num_tags, k) for x in n["held_out_" + space]]
        pairs = [(t, s, held_votes[song][t], y) for t, s, y, song in
                 zip(held["tag"], held["score"], held["label"], self.song)]
        scores = [test["scores"] for test in self.data["test"]]
        if committee:
            folds = self.data["folds"]
            scores = [[(f * folds + s) / (folds + 1) if committee == "all" else f
                       for s, f in zip(final, mean)]
                      for final, mean in zip(scores, self.data["test_fold_scores"])]
        tests = [(score, votes(x, song_tags, self.num_tags, k), set(test["tags"]))
                 for score, test, x in zip(scores, self.data["test"], n["test_" + space])]
        return pairs, tests

    def cross_validated_loss(self, kind, pairs):
        loss = 0.0
        for fold in range(CV_FOLDS):
            train = [p for p, s in zip(pairs, self.song) if s % CV_FOLDS != fold]
            weights = fit(kind, train)
            for (t, s, v, y), song in zip(pairs, self.song):
                if song % CV_FOLDS != fold:
                    continue
                z = z_of(weights(t), kind, s, v)
                loss -= log_sigmoid(z) if y else log_sigmoid(-z)
        return loss

    def measure(self, kind, pairs, tests):
        weights = fit(kind, pairs)
        held_p = [sigmoid(z_of(weights(t), kind, s, v)) for t, s, v, _ in pairs]
        threshold = precision_threshold(held_p, [y for *_, y in pairs],
                                        self.data["target_precision"])
        m = {"hits": 0, "popularity": 0, "bins": [[0, 0.0, 0] for _ in range(10)], "brier": 0.0,
             "count": 0, "proposed": 0, "right": 0, "covered": 0, "songs": len(tests)}
        for scores, song_votes, truth in tests:
            p = {t: sigmoid(z_of(weights(t), kind, scores[t], song_votes[t]))
                 for t in self.candidates}
            m["hits"] += max(self.candidates, key=lambda t: (p[t], -t)) in truth
            m["popularity"] += self.popular in truth
            proposed = False
            for t, q in p.items():
                y = 1 if t in truth else 0
                b = m["bins"][min(int(q * 10), 9)]
                b[0] += 1
                b[1] += q
                b[2] += y
                m["brier"] += (q - y) ** 2
                m["count"] += 1
                if q >= threshold:
                    proposed = True
                    m["proposed"] += 1
                    m["right"] += y
            m["covered"] += proposed
        return m


def variants():
    yield "today: sigmoid(a_t s_t + b_t)", "today", "feature", 0
    yield COMMITTEE_FOLDS, "today", "feature", 0
    yield COMMITTEE_ALL, "today", "feature", 0
    for space in ("feature", "joint"):
        for k in KS:
            yield "stack, %s space, k = %d" % (space, k), "stack", space, k
    for space in ("feature", "joint"):
        for k in KS:
            yield "votes alone, %s space, k = %d" % (space, k), "votes", space, k


CHOSEN = "chosen per seed by held-out cross-validated log loss"
COMMITTEE_FOLDS = "committee: today's fits applied to the mean score of the fold models"
COMMITTEE_ALL = "committee: today's fits applied to the mean score of the fold and final models"


def main():
    args = sys.argv[1:]
    data_dir = None
    if "--data" in args:
        i = args.index("--data")
        data_dir = args[i + 1]
        del args[i:i + 2]
    if not args:
        sys.exit(__doc__)
    db = args[0]
    first = int(args[1]) if len(args) > 1 else 1
    last = int(args[2]) if len(args) > 2 else 20
    cli = os.environ.get("SONGSPACE_CLI", "build/release/app/songspace-cli")
    rows, chosen_names, losses = {}, [], {}
    with tempfile.TemporaryDirectory() as temporary:
        directory = data_dir or temporary
        os.makedirs(directory, exist_ok=True)
        for seed in range(first, last + 1):
            path = os.path.join(directory, "seed%d.json" % seed)
            if not (data_dir and os.path.exists(path)):
                subprocess.run([cli, "eval", "--db", db, "--seed", str(seed), "--json",
                                "--calibration-data", path], check=True,
                               stdout=subprocess.DEVNULL)
            with open(path) as f:
                s = Seed(json.load(f))
            best = None
            for name, kind, space, k in variants():
                committee = {COMMITTEE_FOLDS: "folds", COMMITTEE_ALL: "all"}.get(name)
                pairs, tests = s.pairs(space, k, committee)
                m = s.measure(kind, pairs, tests)
                rows.setdefault(name, []).append(m)
                if committee:
                    continue  # the same fits as today's: not a choice the held-out songs make
                loss = s.cross_validated_loss(kind, pairs)
                losses[name] = losses.get(name, 0.0) + loss
                if best is None or loss < best[0]:
                    best = (loss, name, m)
            rows.setdefault(CHOSEN, []).append(best[2])
            chosen_names.append(best[1])

    def mean(values):
        return sum(values) / len(values)
    seeds = list(range(first, last + 1))
    base = [m["hits"] / m["songs"] for m in rows["today: sigmoid(a_t s_t + b_t)"]]
    print("| tag ranking (fitted on the held-out songs) | p@1 | − today | seeds below popularity "
          "| pooled ECE | mean ECE | mean Brier | auto-tag precision / proposals / coverage |")
    print("|---|---|---|---|---|---|---|---|")
    for name, ms in rows.items():
        p1 = [m["hits"] / m["songs"] for m in ms]
        d = [a - b for a, b in zip(p1, base)]
        se = math.sqrt(sum((x - mean(d)) ** 2 for x in d) / (len(d) - 1) / len(d)) \
            if len(d) > 1 else 0.0
        bins = [[sum(m["bins"][b][j] for m in ms) for j in range(3)] for b in range(10)]
        pooled = sum(abs(b[1] - b[2]) for b in bins) / sum(b[0] for b in bins)
        below = [str(seed) for seed, m in zip(seeds, ms) if m["hits"] < m["popularity"]]
        proposed = sum(m["proposed"] for m in ms)
        print("| %s | %.3f | %+.3f ± %.3f | %s | %.3f | %.3f | %.3f | %.3f / %d / %.3f |" % (
            name, mean(p1), mean(d), se, ", ".join(below) or "none", pooled,
            mean([sum(abs(b[1] - b[2]) for b in m["bins"]) / m["count"] for m in ms]),
            mean([m["brier"] / m["count"] for m in ms]),
            sum(m["right"] for m in ms) / max(proposed, 1), proposed,
            mean([m["covered"] / m["songs"] for m in ms])))
    print()
    print("p@1 per seed (" + " ".join(map(str, seeds)) + "):")
    print("popularity: " + " ".join("%.3f" % (m["popularity"] / m["songs"]) for m in rows[CHOSEN]))
    for name, ms in rows.items():
        print("%s: %s" % (name, " ".join("%.3f" % (m["hits"] / m["songs"]) for m in ms)))
    print()
    print("held-out cross-validated log loss, summed over the seeds: " + "; ".join(
        "%s %.1f" % (name, loss) for name, loss in losses.items()))
    print("chosen per seed: " + "; ".join("%d %s" % (seed, name)
                                          for seed, name in zip(seeds, chosen_names)))


if __name__ == "__main__":
    main()
