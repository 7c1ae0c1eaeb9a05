"""Prosedur: one structured YAML source per work procedure, and everything derived from it.

This file makes `prosedur` a regular package (mypy strict resolves `from .model import ...` through it).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("prosedur")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0+unknown"
