"""Print the README's option reference, generated from the CLI's own definitions.

`python tools/option_reference.py` prints the Markdown; `--write` replaces the block
between the markers in README.md. tests/test_readme.py fails when they drift apart.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer
import typer.core

from forecast_cli.cli import app

START, END = "<!-- options:start -->", "<!-- options:end -->"
README = Path(__file__).resolve().parent.parent / "README.md"


def reference() -> str:
    root = typer.main.get_command(app)
    lines = []
    for name in sorted(root.commands):
        command = root.commands[name]
        lines += [f"### `forecast {name}`", "", (command.help or "").strip().splitlines()[0], ""]
        lines += ["| option | default | what it does |", "|---|---|---|"]
        for param in command.params:
            if getattr(param, "hidden", False):
                continue  # deprecated aliases: accepted, not advertised
            if isinstance(param, typer.core.TyperArgument):
                flags = f"`{param.name.upper()}`"
                default = ""
            else:
                flags = ", ".join(f"`{o}`" for o in (*param.opts, *param.secondary_opts))
                hidden_default = param.default is None or param.default is False or param.is_flag
                default = "" if hidden_default else f"`{_shown(param.default)}`"
            text = (getattr(param, "help", None) or "").replace("\\[", "[").replace("|", "\\|")
            if getattr(param, "envvar", None):
                text += f" Env: `{param.envvar}`."
            lines.append(f"| {flags} | {default} | {text} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _shown(value) -> str:
    return str(getattr(value, "value", value))  # enum members show as their value


def readme_block(text: str) -> str:
    return text.split(START, 1)[1].split(END, 1)[0].strip("\n") + "\n"


def main() -> None:
    block = reference()
    if "--write" in sys.argv:
        text = README.read_text()
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        README.write_text(f"{before}{START}\n{block}{END}{after}")
    else:
        sys.stdout.write(block)


if __name__ == "__main__":
    main()
