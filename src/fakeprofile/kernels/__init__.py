"""Compiled kernels (Numba) behind plain functions: the one place where speed code lives."""
