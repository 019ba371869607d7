"""Tracking layer: exporting a trained model and logging runs, inputs and registered versions to MLflow."""
