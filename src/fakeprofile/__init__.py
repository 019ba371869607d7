"""fakeprofile: tell fake and spammer profiles from real ones and screen the invitations they send."""

__version__ = "0.1.0"


def load_model(path: str = "models/fakeprofile.joblib"):  # noqa: ANN201 - lazy import keeps CLI fast
    """Load an exported model (sha256-checked against its manifest), or an MLflow model URI such
    as "models:/fakeprofile@champion". `load_model(...).score(records)` scores profiles."""
    from fakeprofile.inference.predictor import load

    return load(path)
