"""Splitters: the train / test index sets of cross-validation, and train_test_split.

Given the same ``random_state`` every splitter gives exactly scikit-learn's folds: the random
draws are the same numpy RandomState calls in the same order (KFold shuffles the indices once
per split() call, ShuffleSplit draws one permutation per split, StratifiedKFold shuffles each
class's fold assignments, StratifiedShuffleSplit allocates by the approximate mode).
"""

from __future__ import annotations

import numbers
import warnings
from collections import defaultdict
from collections.abc import Iterable
from itertools import combinations
from math import ceil, floor

import numpy as np

from ..utils.multiclass import type_of_target
from ..utils.validation import check_array, check_random_state, column_or_1d

__all__ = ["KFold", "StratifiedKFold", "GroupKFold", "StratifiedGroupKFold", "ShuffleSplit",
           "StratifiedShuffleSplit", "RepeatedKFold", "RepeatedStratifiedKFold", "LeaveOneOut",
           "LeavePOut", "TimeSeriesSplit", "PredefinedSplit", "check_cv", "train_test_split"]


def _num_samples(x):
    shape = getattr(x, "shape", None)
    if shape is not None and len(shape):
        return int(shape[0])
    if hasattr(x, "__len__"):
        return len(x)
    raise TypeError(f"Expected sequence or array-like, got {type(x)}")


def _safe_indexing(a, idx):
    """Rows ``idx`` of an array, sparse matrix, DataFrame / Series or list."""
    if a is None:
        return None
    if hasattr(a, "iloc"):
        return a.iloc[idx]
    if hasattr(a, "shape") and hasattr(a, "__getitem__"):
        return a[idx]
    return [a[i] for i in idx]


def _indexable(*arrays):
    """The arrays as they are when they can be indexed by rows (arrays, sparse matrices,
    DataFrames, lists), other iterables as arrays; ValueError when their lengths differ."""
    out = []
    for a in arrays:
        if hasattr(a, "tocsr") and getattr(a, "format", "csr") != "csr":
            out.append(a.tocsr())  # a sparse matrix of a format without row indexing (dia, coo)
        elif a is None or hasattr(a, "iloc") or hasattr(a, "shape") or isinstance(a, (list, tuple)):
            out.append(a)
        elif hasattr(a, "__array__"):  # an array-like that is not a sequence
            out.append(np.asarray(a))
        elif hasattr(a, "__iter__"):
            out.append(np.asarray(list(a)))
        else:
            raise TypeError(f"Expected sequence or array-like, got {type(a)}")
    lengths = [_num_samples(a) for a in out if a is not None]
    if len(set(lengths)) > 1:
        raise ValueError(f"Found input variables with inconsistent numbers of samples: {lengths}")
    return out


def _warn_groups_ignored(splitter, groups):
    # scikit-learn (>= 1.6) warns when groups reach a splitter that does not use them
    if groups is not None:
        warnings.warn(f"The groups parameter is ignored by {type(splitter).__name__}", UserWarning,
                      stacklevel=3)


class _BaseKFold:
    """The shared parts of the k-fold splitters: parameters, split from test masks."""

    def __init__(self, n_splits, *, shuffle, random_state):
        if not isinstance(n_splits, numbers.Integral) or isinstance(n_splits, bool):
            raise ValueError("The number of folds must be of Integral type. "
                             f"{n_splits} of type {type(n_splits)} was passed.")
        n_splits = int(n_splits)
        if n_splits <= 1:
            raise ValueError("k-fold cross-validation requires at least one train/test split by "
                             f"setting n_splits=2 or more, got n_splits={n_splits}.")
        if not isinstance(shuffle, bool):
            raise TypeError(f"shuffle must be True or False; got {shuffle}")
        if not shuffle and random_state is not None:
            raise ValueError("Setting a random_state has no effect since shuffle is False. You "
                             "should leave random_state to its default (None), or set "
                             "shuffle=True.")
        self.n_splits = n_splits
        self.shuffle = shuffle
        self.random_state = random_state

    def __repr__(self):
        return (f"{type(self).__name__}(n_splits={self.n_splits}, random_state="
                f"{self.random_state!r}, shuffle={self.shuffle})")

    def get_n_splits(self, X=None, y=None, groups=None):
        """The number of splits."""
        return self.n_splits

    _uses_groups = False

    def split(self, X, y=None, groups=None):
        """Yield (train, test) index arrays, one pair per fold."""
        if not self._uses_groups and not isinstance(self, TimeSeriesSplit):
            _warn_groups_ignored(self, groups)
        X, y, groups = _indexable(X, y, groups)
        n = _num_samples(X)
        if self.n_splits > n:
            raise ValueError(f"Cannot have number of splits n_splits={self.n_splits} greater than "
                             f"the number of samples: n_samples={n}.")
        indices = np.arange(n)
        for test in self._iter_test_masks(X, y, groups):
            yield indices[~test], indices[test]

    def _iter_test_masks(self, X, y, groups):
        n = _num_samples(X)
        for test_index in self._iter_test_indices(X, y, groups):
            mask = np.zeros(n, dtype=bool)
            mask[test_index] = True
            yield mask


class KFold(_BaseKFold):
    """K consecutive folds (the indices shuffled first when ``shuffle``); the first
    n_samples % n_splits folds have one sample more."""

    def __init__(self, n_splits=5, *, shuffle=False, random_state=None):
        super().__init__(n_splits, shuffle=shuffle, random_state=random_state)

    def _iter_test_indices(self, X, y=None, groups=None):
        n = _num_samples(X)
        indices = np.arange(n)
        if self.shuffle:
            check_random_state(self.random_state).shuffle(indices)
        sizes = np.full(self.n_splits, n // self.n_splits, dtype=int)
        sizes[: n % self.n_splits] += 1
        start = 0
        for size in sizes:
            yield indices[start:start + size]
            start += size


def _check_class_target(y):
    y = np.asarray(y)
    kind = type_of_target(y)
    if kind not in ("binary", "multiclass"):
        raise ValueError(f"Supported target types are: ('binary', 'multiclass'). Got {kind!r} "
                         "instead.")
    return column_or_1d(y)


class StratifiedKFold(_BaseKFold):
    """K folds that keep each class's share: the samples of each class are dealt to the folds in
    turn (shuffled within the class when ``shuffle``)."""

    def __init__(self, n_splits=5, *, shuffle=False, random_state=None):
        super().__init__(n_splits, shuffle=shuffle, random_state=random_state)

    def _make_test_folds(self, X, y):
        rng = check_random_state(self.random_state)
        y = _check_class_target(y)
        _, first, inverse = np.unique(y, return_index=True, return_inverse=True)
        # classes numbered in order of first appearance
        _, order = np.unique(first, return_inverse=True)
        encoded = order[inverse.reshape(-1)]
        n_classes = len(first)
        counts = np.bincount(encoded)
        if np.all(self.n_splits > counts):
            raise ValueError(f"n_splits={self.n_splits} cannot be greater than the number of "
                             "members in each class.")
        if self.n_splits > counts.min():
            warnings.warn(f"The least populated class in y has only {counts.min()} members, which "
                          f"is less than n_splits={self.n_splits}.", UserWarning)
        ordered = np.sort(encoded)
        allocation = np.asarray([np.bincount(ordered[i::self.n_splits], minlength=n_classes)
                                 for i in range(self.n_splits)])
        folds = np.empty(len(y), dtype="i")
        for k in range(n_classes):
            assign = np.arange(self.n_splits).repeat(allocation[:, k])
            if self.shuffle:
                rng.shuffle(assign)
            folds[encoded == k] = assign
        return folds

    def _iter_test_masks(self, X, y=None, groups=None):
        folds = self._make_test_folds(X, y)
        for i in range(self.n_splits):
            yield folds == i

    def split(self, X, y, groups=None):
        """Yield (train, test) index arrays; y holds the classes to stratify by."""
        if y is None:
            raise ValueError("StratifiedKFold needs y (the classes to stratify by).")
        return super().split(X, y, groups)


class GroupKFold(_BaseKFold):
    """K folds of whole groups: without shuffle each group goes to the fold with fewest samples so
    far (largest groups first); with shuffle the groups are permuted and split evenly."""

    _uses_groups = True

    def __init__(self, n_splits=5, *, shuffle=False, random_state=None):
        super().__init__(n_splits, shuffle=shuffle, random_state=random_state)

    def _iter_test_indices(self, X, y, groups):
        if groups is None:
            raise ValueError("The 'groups' parameter should not be None.")
        groups = check_array(groups, input_name="groups", ensure_2d=False, dtype=None)
        unique, group_idx = np.unique(groups, return_inverse=True)
        if self.n_splits > len(unique):
            raise ValueError(f"Cannot have number of splits n_splits={self.n_splits} greater than "
                             f"the number of groups: {len(unique)}.")
        if self.shuffle:
            rng = check_random_state(self.random_state)
            permuted = rng.permutation(unique)
            for ids in np.array_split(permuted, self.n_splits):
                yield np.where(np.isin(groups, ids))[0]
            return
        sizes = np.bincount(group_idx)
        order = np.argsort(sizes, kind="stable")[::-1]
        sizes = sizes[order]
        per_fold = np.zeros(self.n_splits)
        to_fold = np.zeros(len(unique))
        for g, weight in enumerate(sizes):
            lightest = np.argmin(per_fold)
            per_fold[lightest] += weight
            to_fold[order[g]] = lightest
        folds = to_fold[group_idx]
        for f in range(self.n_splits):
            yield np.where(folds == f)[0]

    def split(self, X, y=None, groups=None):
        """Yield (train, test) index arrays; no group is in both."""
        return super().split(X, y, groups)


class StratifiedGroupKFold(_BaseKFold):
    """K folds of whole groups that keep the class shares as well as they can: groups (most
    unbalanced first) go greedily to the fold where the classes' spread grows least."""

    _uses_groups = True

    def __init__(self, n_splits=5, shuffle=False, random_state=None):
        super().__init__(n_splits, shuffle=shuffle, random_state=random_state)

    def _iter_test_indices(self, X, y, groups):
        rng = check_random_state(self.random_state)
        y = _check_class_target(y)
        _, y_inv, y_cnt = np.unique(y, return_inverse=True, return_counts=True)
        y_inv = y_inv.reshape(-1)
        if np.all(self.n_splits > y_cnt):
            raise ValueError(f"n_splits={self.n_splits} cannot be greater than the number of "
                             "members in each class.")
        if self.n_splits > y_cnt.min():
            warnings.warn(f"The least populated class in y has only {y_cnt.min()} members, which "
                          f"is less than n_splits={self.n_splits}.", UserWarning)
        n_classes = len(y_cnt)
        if groups is None:
            raise ValueError("The 'groups' parameter should not be None.")
        _, groups_inv, groups_cnt = np.unique(groups, return_inverse=True, return_counts=True)
        groups_inv = groups_inv.reshape(-1)
        if self.n_splits > len(groups_cnt):
            raise ValueError(f"Cannot have number of splits n_splits={self.n_splits} greater than "
                             f"the number of groups: {len(groups_cnt)}.")
        per_group = np.zeros((len(groups_cnt), n_classes))
        np.add.at(per_group, (groups_inv, y_inv), 1)
        per_fold = np.zeros((self.n_splits, n_classes))
        groups_per_fold = defaultdict(set)
        if self.shuffle:
            perm = np.arange(len(groups_cnt))
            rng.shuffle(perm)
            per_group = per_group[perm]
            inv = np.empty_like(perm)
            inv[perm] = np.arange(perm.size)
            groups_inv = inv[groups_inv]
        for g in np.argsort(-np.std(per_group, axis=1), kind="stable"):
            counts = per_group[g]
            best, best_eval, best_size = None, np.inf, np.inf
            for i in range(self.n_splits):
                per_fold[i] += counts
                spread = np.mean(np.std(per_fold / y_cnt.reshape(1, -1), axis=0))
                per_fold[i] -= counts
                size = np.sum(per_fold[i])
                if spread < best_eval or (np.isclose(spread, best_eval) and size < best_size):
                    best, best_eval, best_size = i, spread, size
            per_fold[best] += counts
            groups_per_fold[best].add(g)
        for i in range(self.n_splits):
            members = groups_per_fold[i]
            yield [idx for idx, g in enumerate(groups_inv) if g in members]


class LeaveOneOut:
    """Each sample is the test set once."""

    def __repr__(self):
        return "LeaveOneOut()"

    def get_n_splits(self, X, y=None, groups=None):
        if X is None:
            raise ValueError("The 'X' parameter should not be None.")
        return _num_samples(X)

    def split(self, X, y=None, groups=None):
        _warn_groups_ignored(self, groups)
        X, = _indexable(X)
        n = _num_samples(X)
        if n <= 1:
            raise ValueError(f"Cannot perform LeaveOneOut with n_samples={n}.")
        indices = np.arange(n)
        for i in range(n):
            yield np.r_[indices[:i], indices[i + 1:]], np.array([i])


class LeavePOut:
    """Every set of p samples is the test set once (n choose p splits)."""

    def __init__(self, p):
        self.p = p

    def __repr__(self):
        return f"LeavePOut(p={self.p})"

    def get_n_splits(self, X, y=None, groups=None):
        if X is None:
            raise ValueError("The 'X' parameter should not be None.")
        from math import comb
        return comb(_num_samples(X), self.p)

    def split(self, X, y=None, groups=None):
        _warn_groups_ignored(self, groups)
        X, = _indexable(X)
        n = _num_samples(X)
        if n <= self.p:
            raise ValueError(f"p={self.p} must be strictly less than the number of samples={n}")
        indices = np.arange(n)
        for comb_ in combinations(range(n), self.p):
            mask = np.zeros(n, dtype=bool)
            mask[list(comb_)] = True
            yield indices[~mask], indices[mask]


class TimeSeriesSplit(_BaseKFold):
    """Growing training windows followed by the next ``test_size`` samples (``gap`` samples
    left out between them, the window capped at ``max_train_size``)."""

    def __init__(self, n_splits=5, *, max_train_size=None, test_size=None, gap=0):
        super().__init__(n_splits, shuffle=False, random_state=None)
        self.max_train_size = max_train_size
        self.test_size = test_size
        self.gap = gap

    def __repr__(self):
        return (f"TimeSeriesSplit(gap={self.gap}, max_train_size={self.max_train_size}, "
                f"n_splits={self.n_splits}, test_size={self.test_size})")

    def split(self, X, y=None, groups=None):
        if groups is not None:
            warnings.warn(f"The groups parameter is ignored by {type(self).__name__}", UserWarning)
        X, = _indexable(X)
        n = _num_samples(X)
        n_folds = self.n_splits + 1
        test_size = self.test_size if self.test_size is not None else n // n_folds
        if n_folds > n:
            raise ValueError(f"Cannot have number of folds={n_folds} greater than the number of "
                             f"samples={n}.")
        if n - self.gap - test_size * self.n_splits <= 0:
            raise ValueError(f"Too many splits={self.n_splits} for number of samples={n} with "
                             f"test_size={test_size} and gap={self.gap}.")
        indices = np.arange(n)
        for start in range(n - self.n_splits * test_size, n, test_size):
            end = start - self.gap
            if self.max_train_size and self.max_train_size < end:
                yield indices[end - self.max_train_size:end], indices[start:start + test_size]
            else:
                yield indices[:end], indices[start:start + test_size]


class PredefinedSplit:
    """Folds given by the user: sample i is in the test set of fold test_fold[i] (never when
    -1)."""

    def __init__(self, test_fold):
        self.test_fold = column_or_1d(np.array(test_fold, dtype=int))
        folds = np.unique(self.test_fold)
        self.unique_folds = folds[folds != -1]

    def __repr__(self):
        return f"PredefinedSplit(test_fold={self.test_fold!r})"

    def get_n_splits(self, X=None, y=None, groups=None):
        return len(self.unique_folds)

    def split(self, X=None, y=None, groups=None):
        _warn_groups_ignored(self, groups)
        indices = np.arange(len(self.test_fold))
        for f in self.unique_folds:
            test = np.where(self.test_fold == f)[0]
            mask = np.zeros(len(indices), dtype=bool)
            mask[test] = True
            yield indices[~mask], indices[mask]


class _RepeatedSplits:
    def __init__(self, cv, *, n_repeats=10, random_state=None, **cvargs):
        if not isinstance(n_repeats, numbers.Integral):
            raise ValueError("Number of repetitions must be of Integral type.")
        if n_repeats <= 0:
            raise ValueError("Number of repetitions must be greater than 0.")
        self.cv = cv
        self.n_repeats = n_repeats
        self.random_state = random_state
        self.cvargs = cvargs

    def __repr__(self):
        return (f"{type(self).__name__}(n_repeats={self.n_repeats}, n_splits="
                f"{self.cvargs['n_splits']}, random_state={self.random_state!r})")

    def split(self, X, y=None, groups=None):
        _warn_groups_ignored(self, groups)
        rng = check_random_state(self.random_state)
        for _ in range(self.n_repeats):
            cv = self.cv(random_state=rng, shuffle=True, **self.cvargs)
            yield from cv.split(X, y, groups)

    def get_n_splits(self, X=None, y=None, groups=None):
        rng = check_random_state(self.random_state)
        return self.cv(random_state=rng, shuffle=True, **self.cvargs).get_n_splits(X, y, groups) \
            * self.n_repeats


class RepeatedKFold(_RepeatedSplits):
    """KFold repeated n_repeats times, reshuffled each time from one random state."""

    def __init__(self, *, n_splits=5, n_repeats=10, random_state=None):
        super().__init__(KFold, n_repeats=n_repeats, random_state=random_state, n_splits=n_splits)


class RepeatedStratifiedKFold(_RepeatedSplits):
    """StratifiedKFold repeated n_repeats times, reshuffled each time."""

    def __init__(self, *, n_splits=5, n_repeats=10, random_state=None):
        super().__init__(StratifiedKFold, n_repeats=n_repeats, random_state=random_state,
                         n_splits=n_splits)


def _validate_shuffle_split(n_samples, test_size, train_size, default_test_size=None):
    if test_size is None and train_size is None:
        test_size = default_test_size
    te, tr = np.asarray(test_size).dtype.kind, np.asarray(train_size).dtype.kind
    if (te == "i" and (test_size >= n_samples or test_size <= 0)) or (
            te == "f" and (test_size <= 0 or test_size >= 1)):
        raise ValueError(f"test_size={test_size} should be either positive and smaller than the "
                         f"number of samples {n_samples} or a float in the (0, 1) range")
    if (tr == "i" and (train_size >= n_samples or train_size <= 0)) or (
            tr == "f" and (train_size <= 0 or train_size >= 1)):
        raise ValueError(f"train_size={train_size} should be either positive and smaller than "
                         f"the number of samples {n_samples} or a float in the (0, 1) range")
    if train_size is not None and tr not in ("i", "f"):
        raise ValueError(f"Invalid value for train_size: {train_size}")
    if test_size is not None and te not in ("i", "f"):
        raise ValueError(f"Invalid value for test_size: {test_size}")
    if tr == "f" and te == "f" and train_size + test_size > 1:
        raise ValueError(f"The sum of test_size and train_size = {train_size + test_size}, should "
                         "be in the (0, 1) range. Reduce test_size and/or train_size.")
    n_test = ceil(test_size * n_samples) if te == "f" else (float(test_size) if te == "i" else None)
    n_train = floor(train_size * n_samples) if tr == "f" else (
        float(train_size) if tr == "i" else None)
    if train_size is None:
        n_train = n_samples - n_test
    elif test_size is None:
        n_test = n_samples - n_train
    if n_train + n_test > n_samples:
        raise ValueError(f"The sum of train_size and test_size = {int(n_train + n_test)}, should "
                         f"be smaller than the number of samples {n_samples}. Reduce test_size "
                         "and/or train_size.")
    n_train, n_test = int(n_train), int(n_test)
    if n_train == 0:
        raise ValueError(f"With n_samples={n_samples}, test_size={test_size} and train_size="
                         f"{train_size}, the resulting train set will be empty. Adjust any of the "
                         "aforementioned parameters.")
    return n_train, n_test


class ShuffleSplit:
    """Independent random splits: one permutation per split, its first n_test indices the test
    set and the next n_train the training set."""

    _default_test_size = 0.1

    def __init__(self, n_splits=10, *, test_size=None, train_size=None, random_state=None):
        self.n_splits = n_splits
        self.test_size = test_size
        self.train_size = train_size
        self.random_state = random_state

    def __repr__(self):
        return (f"{type(self).__name__}(n_splits={self.n_splits}, random_state="
                f"{self.random_state!r}, test_size={self.test_size!r}, train_size="
                f"{self.train_size!r})")

    def get_n_splits(self, X=None, y=None, groups=None):
        return self.n_splits

    def split(self, X, y=None, groups=None):
        _warn_groups_ignored(self, groups)
        X, y, groups = _indexable(X, y, groups)
        yield from self._iter_indices(X, y, groups)

    def _iter_indices(self, X, y=None, groups=None):
        n = _num_samples(X)
        n_train, n_test = _validate_shuffle_split(n, self.test_size, self.train_size,
                                                  self._default_test_size)
        rng = check_random_state(self.random_state)
        for _ in range(self.n_splits):
            perm = rng.permutation(n)
            yield perm[n_test:n_test + n_train], perm[:n_test]


def _approximate_mode(class_counts, n_draws, rng):
    """Per class, how many of n_draws to take: the floors of the proportional shares, the
    remainder given to the largest fractional parts (ties drawn at random)."""
    rng = check_random_state(rng)
    continuous = class_counts / class_counts.sum() * n_draws
    floored = np.floor(continuous)
    need = int(n_draws - floored.sum())
    if need > 0:
        remainder = continuous - floored
        for value in np.sort(np.unique(remainder))[::-1]:
            (inds,) = np.where(remainder == value)
            take = min(len(inds), need)
            inds = rng.choice(inds, size=take, replace=False)
            floored[inds] += 1
            need -= take
            if need == 0:
                break
    return floored.astype(int)


class StratifiedShuffleSplit(ShuffleSplit):
    """Random splits that keep each class's share in both sets."""

    def __init__(self, n_splits=10, *, test_size=None, train_size=None, random_state=None):
        super().__init__(n_splits, test_size=test_size, train_size=train_size,
                         random_state=random_state)

    def _iter_indices(self, X, y, groups=None):
        n = _num_samples(X)
        y = check_array(y, input_name="y", ensure_2d=False, dtype=None)
        n_train, n_test = _validate_shuffle_split(n, self.test_size, self.train_size,
                                                  self._default_test_size)
        if y.ndim == 2:
            y = np.array([" ".join(row.astype("str")) for row in y])
        classes, y_idx, counts = np.unique(y, return_inverse=True, return_counts=True)
        y_idx = y_idx.reshape(-1)
        if np.min(counts) < 2:
            raise ValueError("The least populated classes in y have only 1 member, which is too "
                             "few. The minimum number of groups for any class cannot be less "
                             "than 2. Classes with too few members are: "
                             f"{classes[counts < 2].tolist()}")
        if n_train < len(classes):
            raise ValueError(f"The train_size = {n_train} should be greater or equal to the "
                             f"number of classes = {len(classes)}")
        if n_test < len(classes):
            raise ValueError(f"The test_size = {n_test} should be greater or equal to the number "
                             f"of classes = {len(classes)}")
        class_indices = np.split(np.argsort(y_idx, kind="stable"), np.cumsum(counts)[:-1])
        rng = check_random_state(self.random_state)
        for _ in range(self.n_splits):
            n_i = _approximate_mode(counts, n_train, rng)
            t_i = _approximate_mode(counts - n_i, n_test, rng)
            train, test = [], []
            for i in range(len(classes)):
                perm = rng.permutation(counts[i])
                members = class_indices[i].take(perm, mode="clip")
                train.extend(members[:n_i[i]])
                test.extend(members[n_i[i]:n_i[i] + t_i[i]])
            yield rng.permutation(train), rng.permutation(test)

    def split(self, X, y, groups=None):
        if y is None:
            raise ValueError("StratifiedShuffleSplit needs y (the classes to stratify by).")
        return super().split(X, y, groups)


class _CVIterableWrapper:
    """A list of (train, test) pairs as a splitter."""

    def __init__(self, cv):
        self.cv = list(cv)

    def get_n_splits(self, X=None, y=None, groups=None):
        return len(self.cv)

    def split(self, X=None, y=None, groups=None):
        for train, test in self.cv:
            yield train, test


def _is_classifier(estimator):
    """Whether ``estimator`` is a classifier: by its _estimator_type, or by its scikit-learn
    tags (scikit-learn's own estimators carry only those)."""
    if getattr(estimator, "_estimator_type", None) == "classifier":
        return True
    tags = getattr(estimator, "__sklearn_tags__", None)
    if tags is None:
        return False
    try:
        return getattr(tags(), "estimator_type", None) == "classifier"
    except Exception:  # an estimator whose tags cannot be built is no classifier here
        return False


def check_cv(cv=5, y=None, *, classifier=False, shuffle=False, random_state=None):
    """The splitter ``cv`` names: an int (StratifiedKFold for a classifier with a binary or
    multiclass y, else KFold), a splitter, or an iterable of (train, test) pairs."""
    cv = 5 if cv is None else cv
    if isinstance(cv, numbers.Integral) and not isinstance(cv, bool):
        if classifier and y is not None and type_of_target(y, input_name="y") in ("binary",
                                                                                  "multiclass"):
            return StratifiedKFold(cv, shuffle=shuffle, random_state=random_state)
        return KFold(cv, shuffle=shuffle, random_state=random_state)
    if not hasattr(cv, "split") or isinstance(cv, str):
        if not isinstance(cv, Iterable) or isinstance(cv, str):
            raise ValueError("Expected `cv` as an integer, a cross-validation object (from "
                             "sklearn.model_selection), or an iterable yielding (train, test) "
                             f"splits as arrays of indices. Got {cv}.")
        return _CVIterableWrapper(cv)
    return cv


def train_test_split(*arrays, test_size=None, train_size=None, random_state=None, shuffle=True,
                     stratify=None):
    """Split arrays into random train and test subsets (stratified by ``stratify``), the draws
    those of ShuffleSplit / StratifiedShuffleSplit. Returns [a_train, a_test, b_train, ...]."""
    for name, v in (("test_size", test_size), ("train_size", train_size)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, numbers.Real) or (
                isinstance(v, numbers.Integral) and v < 1) or (
                not isinstance(v, numbers.Integral) and not 0 < v < 1)):
            raise ValueError(f"The '{name}' parameter of train_test_split must be a float in the "
                             f"range (0.0, 1.0), an int in the range [1, inf) or None. Got {v!r} "
                             "instead.")
    if not arrays:
        raise ValueError("At least one array required as input")
    arrays = _indexable(*arrays)
    n = _num_samples(arrays[0])
    n_train, n_test = _validate_shuffle_split(n, test_size, train_size, default_test_size=0.25)
    if not shuffle:
        if stratify is not None:
            raise ValueError("Stratified train/test split is not implemented for shuffle=False")
        train, test = np.arange(n_train), np.arange(n_train, n_train + n_test)
    else:
        cls = StratifiedShuffleSplit if stratify is not None else ShuffleSplit
        cv = cls(test_size=n_test, train_size=n_train, random_state=random_state)
        train, test = next(cv.split(X=arrays[0], y=stratify))
    out = []
    for a in arrays:
        out.extend((_safe_indexing(a, train), _safe_indexing(a, test)))
    return out
