#!/usr/bin/env python3
"""sklearn reference accuracies on a GTZAN-style feature CSV (10 stratified folds).

Same k and stratification as `songspace-cli eval-table`, but not the identical partition:
sklearn's StratifiedKFold(shuffle=True, random_state=seed) deals rows differently from our
seeded stratified folds. Prints JSON {"folds": K, "methods": {NAME: {"p@1": accuracy}}}.
"""
import argparse
import json

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("csv")
    parser.add_argument("--label", default="label")
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    frame = pd.read_csv(args.csv)
    y = frame[args.label].to_numpy()
    numeric = frame.drop(columns=[args.label]).select_dtypes(include=[np.number])
    numeric = numeric.loc[:, numeric.nunique() > 1]  # constant columns such as `length`
    x = numeric.to_numpy(dtype=float)

    models = {
        "sk-logreg": lambda: LogisticRegression(max_iter=5000),
        "sk-svm-rbf": lambda: SVC(kernel="rbf", C=10),
        "sk-knn": lambda: KNeighborsClassifier(n_neighbors=20, weights="distance"),
    }
    folds = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=args.seed)
    hits = {name: 0 for name in models}
    for train, test in folds.split(x, y):
        for name, make in models.items():
            model = make_pipeline(StandardScaler(), make()).fit(x[train], y[train])
            hits[name] += int((model.predict(x[test]) == y[test]).sum())
    result = {"folds": args.folds,
              "methods": {name: {"p@1": h / len(y)} for name, h in hits.items()}}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
