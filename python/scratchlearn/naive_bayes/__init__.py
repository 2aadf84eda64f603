"""Naive Bayes classifiers: GaussianNB, MultinomialNB, BernoulliNB."""

from ._naive_bayes import GaussianNB, MultinomialNB, BernoulliNB

__all__ = ['GaussianNB', 'MultinomialNB', 'BernoulliNB']
