#!/usr/bin/python3
"""Other tag calibrations measured on exactly the numbers `songspace-cli eval` used (experiments.md
section 7.2).

  SONGSPACE_CLI=build/ci/app/songspace-cli scripts/refit-tag-calibration.py DB [FIRST] [LAST] [eval options...]

For each seed, `eval --calibration-data` writes the held-out (tag, raw score, label) pairs the
tag calibration was fitted on and the test songs' raw tag scores (core::evalCalibrationDataToJson).
Each variant below is fitted on the former and applied to the latter, so only the calibration
differs between rows; the first, today's fit (core::fitCalibration), reproduces eval's figures.
Printed per variant, over the seeds: mean tag precision@1, the seeds where it is below
popularity (the tag most training songs carry; ties to the lower tag index, where eval breaks
them by a seeded shuffle), the pooled and mean ECE (10 equal-width bins over every (test song,
tag) pair), the mean Brier score, and auto-tag at core::precisionThreshold's threshold (target
from the file, floor 0.5): pooled precision, proposals, mean coverage.

Pure Python (no numpy): the fits are the same 2-parameter Newton iterations as
core/model/calibration.cpp.
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


def fit_platt(scores, targets, prior=None):
    """MAP (prior = (mean a, mean b, std a, std b)) or ML Platt fit; targets in [0, 1]."""
    if not scores:
        return (prior[0], prior[1]) if prior else (1.0, 0.0)
    if prior:
        a, b = prior[0], prior[1]
    else:
        rate = min(max(sum(targets) / len(targets), 1e-6), 1 - 1e-6)
        a, b = 0.0, math.log(rate / (1 - rate))

    def value(a, b):
        v = sum(t * log_sigmoid(a * s + b) + (1 - t) * log_sigmoid(-(a * s + b))
                for s, t in zip(scores, targets))
        if prior:
            v -= 0.5 * (((a - prior[0]) / prior[2]) ** 2 + ((b - prior[1]) / prior[3]) ** 2)
        return v

    current = value(a, b)
    for _ in range(MAX_ITERATIONS):
        ga = gb = haa = hab = hbb = 0.0
        for s, t in zip(scores, targets):
            p = sigmoid(a * s + b)
            r, c = t - p, p * (1 - p)
            ga += r * s
            gb += r
            haa += c * s * s
            hab += c * s
            hbb += c
        if prior:
            ga -= (a - prior[0]) / prior[2] ** 2
            gb -= (b - prior[1]) / prior[3] ** 2
            haa += 1 / prior[2] ** 2
            hbb += 1 / prior[3] ** 2
        else:
            haa += 1e-9
            hbb += 1e-9
        det = haa * hbb - hab * hab
        if not det > 0:
            break
        da, db = (hbb * ga - hab * gb) / det, (haa * gb - hab * ga) / det
        step, moved = 1.0, False
        for _ in range(30):
            na, nb = a + step * da, b + step * db
            if not prior:
                na = min(max(na, -UNREGULARISED_BOUND), UNREGULARISED_BOUND)
                nb = min(max(nb, -UNREGULARISED_BOUND), UNREGULARISED_BOUND)
            following = value(na, nb)
            if following >= current:
                moved = True
                break
            step *= 0.5
        if not moved:
            break
        done = following - current < 1e-10 * (1 + abs(current))
        a, b, current = na, nb, following
        if done:
            break
    return a, b


def songs_of(held):
    """The held-out pairs grouped by song: a song's pairs are consecutive, tags ascending."""
    songs, previous = [], None
    for tag, score, label in zip(held["tag"], held["score"], held["label"]):
        if previous is None or tag <= previous:
            songs.append({})
        songs[-1][tag] = (score, label)
        previous = tag
    return songs


def per_tag(pairs):
    out = {}
    for tag, score, label in pairs:
        out.setdefault(tag, ([], []))
        out[tag][0].append(score)
        out[tag][1].append(label)
    return out


def platt_variant(pairs, slope_scale, intercept_std, targets="hard", centre="pooled"):
    """Per-tag fits; intercept_std 0: the pooled fit for every tag."""
    scores = [s for _, s, _ in pairs]
    labels = [y for _, _, y in pairs]
    pooled = fit_platt(scores, labels)
    if intercept_std == 0:
        return lambda tag: pooled
    rate = sum(labels) / len(labels)
    fits = {}
    for tag, (s, y) in per_tag(pairs).items():
        positives = sum(y)
        negatives = len(y) - positives
        t = y if targets == "hard" else [
            (positives + 1) / (positives + 2) if v else 1 / (negatives + 2) for v in y]
        if slope_scale is None:
            fits[tag] = fit_platt(s, t)
            continue
        mean_b = pooled[1]
        if centre == "tag_rate":
            tag_rate = (positives + 0.5) / (len(y) + 1)
            mean_b += math.log(tag_rate / (1 - tag_rate)) - math.log(rate / (1 - rate))
        prior = (pooled[0], mean_b, slope_scale * max(abs(pooled[0]), 0.1), intercept_std)
        fits[tag] = fit_platt(s, t, prior)
    return lambda tag: fits.get(tag, pooled)


def platt_probabilities(fit):
    return lambda scores: {t: sigmoid(fit(t)[0] * s + fit(t)[1]) for t, s in scores.items()}


GRID = [(0.5, 0.0), (0.5, 0.25), (0.5, 0.5), (0.5, 1.0), (0.5, 2.0), (0.5, 4.0)]


def cross_validated(pairs_by_song, folds=5):
    """Today's fit with sigma_b chosen from GRID (0: pooled) by 5-fold log loss over songs."""
    def pairs(indices):
        return [(t, s, y) for i in indices for t, (s, y) in pairs_by_song[i].items()]

    best, best_loss = None, math.inf
    for slope_scale, intercept_std in GRID:
        loss = 0.0
        for k in range(folds):
            fit = platt_variant(pairs([i for i in range(len(pairs_by_song)) if i % folds != k]),
                                slope_scale, intercept_std)
            for t, s, y in pairs([i for i in range(len(pairs_by_song)) if i % folds == k]):
                z = fit(t)[0] * s + fit(t)[1]
                loss -= log_sigmoid(z) if y else log_sigmoid(-z)
        if loss < best_loss:
            best, best_loss = (slope_scale, intercept_std), loss
    return platt_variant(pairs(range(len(pairs_by_song))), *best)


def softmax_variant(pairs_by_song, bias_std=2.0):
    """P(t | song) = softmax_t(beta s_t + c_t), c_t ~ N(log tag rate, bias_std^2): temperature
    scaling with per-tag biases (Alexandari et al. 2020), fitted on songs scored for every tag,
    each positive tag one observation."""
    tags = sorted({t for song in pairs_by_song for t in song})
    index = {t: i for i, t in enumerate(tags)}
    songs = [song for song in pairs_by_song if len(song) == len(tags)]
    positives = {t: sum(song[t][1] for song in songs) for t in tags}
    total = sum(positives.values())
    centre = [math.log((positives[t] + 0.5) / (total + 0.5 * len(tags))) for t in tags]
    n = len(tags) + 1

    def evaluate(theta):
        value, gradient = 0.0, [0.0] * n
        hessian = [[0.0] * n for _ in range(n)]
        for song in songs:
            z = [theta[0] * song[t][0] + theta[1 + index[t]] for t in tags]
            top = max(z)
            e = [math.exp(v - top) for v in z]
            norm = sum(e)
            p = [v / norm for v in e]
            features = [[song[t][0]] + [1.0 if j == i else 0.0 for j in range(len(tags))]
                        for i, t in enumerate(tags)]
            mean = [sum(p[i] * features[i][k] for i in range(len(tags))) for k in range(n)]
            for i, t in enumerate(tags):
                if not song[t][1]:
                    continue
                value += z[i] - top - math.log(norm)
                for k in range(n):
                    gradient[k] += features[i][k] - mean[k]
                    for l in range(n):
                        hessian[k][l] -= sum(p[j] * features[j][k] * features[j][l]
                                             for j in range(len(tags))) - mean[k] * mean[l]
        for i in range(len(tags)):
            d = theta[1 + i] - centre[i]
            value -= 0.5 * d * d / bias_std ** 2
            gradient[1 + i] -= d / bias_std ** 2
            hessian[1 + i][1 + i] -= 1 / bias_std ** 2
        hessian[0][0] -= 1e-6
        return value, gradient, hessian

    theta = [1.0] + centre
    current, gradient, hessian = evaluate(theta)
    for _ in range(50):
        step = solve([[-v for v in row] for row in hessian], gradient)
        if step is None:  # a singular Hessian: stop where it is
            break
        scale, moved = 1.0, False
        while scale > 1e-6:
            candidate = [a + scale * b for a, b in zip(theta, step)]
            value, g, h = evaluate(candidate)
            if value >= current:
                moved = True
                break
            scale *= 0.5
        if not moved:
            break
        done = value - current < 1e-10
        theta, current, gradient, hessian = candidate, value, g, h
        if done:
            break

    def probabilities(scores):
        z = {t: theta[0] * s + theta[1 + index[t]] for t, s in scores.items() if t in index}
        top = max(z.values())
        norm = sum(math.exp(v - top) for v in z.values())
        return {t: math.exp(v - top) / norm for t, v in z.items()}
    return probabilities, theta[0]


def variants(pairs, pairs_by_song):
    yield "per-tag MAP, prior N(pooled, sigma_a = abs(a)/2, sigma_b = 2) (today)", \
        platt_probabilities(platt_variant(pairs, 0.5, 2.0))
    yield "the pooled fit for every tag (= the raw order)", \
        platt_probabilities(platt_variant(pairs, 0.5, 0.0))
    yield "per-tag MAP on Platt's smoothed targets (Platt 1999)", \
        platt_probabilities(platt_variant(pairs, 0.5, 2.0, targets="platt"))
    yield "per-tag ML on Platt's targets, no prior", \
        platt_probabilities(platt_variant(pairs, None, None, targets="platt"))
    yield "per-tag MAP, intercept prior centred on pooled b + logit(tag rate) - logit(rate)", \
        platt_probabilities(platt_variant(pairs, 0.5, 2.0, centre="tag_rate"))
    yield "per-tag MAP, sigma_b chosen by 5-fold log loss (0 = pooled, 0.25 ... 4)", \
        platt_probabilities(cross_validated(pairs_by_song))
    yield "softmax over tags with log-prior biases (Alexandari et al. 2020)", \
        softmax_variant(pairs_by_song)[0]


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    db = sys.argv[1]
    first = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    last = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    extra = sys.argv[4:]
    cli = os.environ.get("SONGSPACE_CLI", "build/release/app/songspace-cli")
    rows = {}
    with tempfile.TemporaryDirectory() as directory:
        for seed in range(first, last + 1):
            path = os.path.join(directory, "seed%d.json" % seed)
            subprocess.run([cli, "eval", "--db", db, "--seed", str(seed), "--json",
                            "--calibration-data", path] + extra,
                           check=True, stdout=subprocess.DEVNULL)
            with open(path) as f:
                data = json.load(f)
            held = data["held_out"]
            pairs = list(zip(held["tag"], held["score"], held["label"]))
            pairs_by_song = songs_of(held)
            frequency = data["tag_frequency"]
            candidates = [t for t, n in enumerate(frequency) if n > 0]
            popular = max(candidates, key=lambda t: (frequency[t], -t))
            for name, probabilities in variants(pairs, pairs_by_song):
                held_p = []
                for song in pairs_by_song:
                    p = probabilities({t: s for t, (s, _) in song.items()})
                    held_p += [(p[t], y) for t, (_, y) in song.items() if t in p]
                threshold = precision_threshold([p for p, _ in held_p], [y for _, y in held_p],
                                                data["target_precision"])
                r = rows.setdefault(name, {"p1": [], "below": [], "bins": [[0, 0.0, 0] for _ in
                                           range(10)], "ece": [], "brier": [], "proposed": 0,
                                           "right": 0, "coverage": []})
                bins = [[0, 0.0, 0] for _ in range(10)]
                hits = popularity = brier = count = covered = 0
                for test in data["test"]:
                    truth = set(test["tags"])
                    p = probabilities({t: test["scores"][t] for t in candidates})
                    hits += max(p, key=p.get) in truth
                    popularity += popular in truth
                    proposed = False
                    for t, q in p.items():
                        y = 1 if t in truth else 0
                        b = min(int(q * 10), 9)
                        for where in (bins, r["bins"]):
                            where[b][0] += 1
                            where[b][1] += q
                            where[b][2] += y
                        brier += (q - y) ** 2
                        count += 1
                        if q >= threshold:
                            proposed = True
                            r["proposed"] += 1
                            r["right"] += y
                    covered += proposed
                songs = len(data["test"])
                r["p1"].append(hits / songs)
                if hits < popularity:
                    r["below"].append(seed)
                r["ece"].append(sum(abs(b[1] - b[2]) for b in bins) / count)
                r["brier"].append(brier / count)
                r["coverage"].append(covered / songs)

    def mean(values):
        return sum(values) / len(values)
    print("| tag calibration | p@1 | seeds below popularity | pooled ECE | mean ECE | mean Brier "
          "| auto-tag precision / proposals / coverage |")
    print("|---|---|---|---|---|---|---|")
    for name, r in rows.items():
        outcomes = sum(b[0] for b in r["bins"])
        pooled = sum(abs(b[1] - b[2]) for b in r["bins"]) / outcomes
        print("| %s | %.3f | %s | %.3f | %.3f | %.3f | %.3f / %d / %.3f |" % (
            name, mean(r["p1"]), ", ".join(map(str, r["below"])) or "none", pooled,
            mean(r["ece"]), mean(r["brier"]), r["right"] / max(r["proposed"], 1), r["proposed"],
            mean(r["coverage"])))


if __name__ == "__main__":
    main()
