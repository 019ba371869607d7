"""Data layer: the input schema, validation, reading and writing, safe paths, and importing exports.

Imports only the base modules (errors, config, ...) of the package; every other layer builds on it.
"""
