"""Modeling layer: model kinds (estimators), splitting, training with calibration and thresholds, evaluation.

Builds on data and features. Inference may use the estimators a fitted model is made of, never the
training code.
"""
