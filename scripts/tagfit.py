"""Helpers shared by the tag-calibration measurement scripts (refit-tag-calibration.py,
stack-tag-votes.py; docs/experiments.md §7.2): the logistic function, a small linear solver and
the threshold that reaches a target precision."""

import math


def sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def log_sigmoid(z):
    return -math.log1p(math.exp(-z)) if z >= 0 else z - math.log1p(math.exp(z))


def solve(matrix, vector):
    n = len(vector)
    m = [row[:] + [vector[i]] for i, row in enumerate(matrix)]
    for i in range(n):
        pivot = max(range(i, n), key=lambda r: abs(m[r][i]))
        m[i], m[pivot] = m[pivot], m[i]
        if m[i][i] == 0:
            return None
        for r in range(n):
            if r != i:
                f = m[r][i] / m[i][i]
                for c in range(i, n + 1):
                    m[r][c] -= f * m[i][c]
    return [m[i][n] / m[i][i] for i in range(n)]


def precision_threshold(probabilities, labels, target, floor=0.5):
    order = sorted(zip(probabilities, labels), key=lambda x: -x[0])
    hits, best = 0, -1.0
    for i, (p, y) in enumerate(order):
        hits += y
        if i + 1 < len(order) and order[i + 1][0] == p:
            continue
        if hits / (i + 1) >= target:
            best = p
    return max(best, floor) if best >= 0 else max(target, floor)
