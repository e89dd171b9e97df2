"""The command-line layer; the only part of the package that imports typer."""

from .app import app, main

__all__ = ["app", "main"]
