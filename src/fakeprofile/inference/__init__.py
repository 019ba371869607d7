"""Inference layer: the exported predictor and its one loader (file or MLflow URI), reasons, and the
batch, Spark and MLflow pyfunc adapters over it. Never imports training: a fitted model is
modeling/fitted.py, its compiled trees kernels/trees.py.
"""
