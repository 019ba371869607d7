"""Inference layer: the exported predictor, its loading (file or MLflow URI), compiled trees, reasons,
and the batch, Spark and MLflow pyfunc adapters over it. Never imports training.
"""
