"""Modeling layer: model kinds (estimators), splitting, training with calibration and thresholds, evaluation.

Builds on data and features. Inference may use the fitted model (fitted.py) and the estimators it
is made of, never the training code (train, split, evaluate).
"""
