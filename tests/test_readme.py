"""The README's option reference is generated from the CLI and must match it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _tool():
    spec = importlib.util.spec_from_file_location("option_reference", ROOT / "tools" / "option_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_option_reference_matches_the_cli():
    tool = _tool()
    assert tool.readme_block((ROOT / "README.md").read_text()) == tool.reference(), (
        "README option reference is stale: run `python tools/option_reference.py --write`"
    )


def test_quick_start_is_the_two_make_commands():
    text = (ROOT / "README.md").read_text()
    quick = text.split("## Quick start", 1)[1].split("##", 1)[0]
    assert "make demo" in quick and "make test" in quick
