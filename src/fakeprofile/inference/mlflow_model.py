"""Models-from-code entry point for MLflow: the logged model is this file, not a pickle.

MLflow runs it when loading the model; `set_model` names the pyfunc to serve.
"""

import mlflow.models

from fakeprofile.inference.pyfunc import FakeProfilePyfunc

mlflow.models.set_model(FakeProfilePyfunc())
