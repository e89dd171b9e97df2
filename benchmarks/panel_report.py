"""Render the panel benchmark's JSON files (benchmarks/results/panel_*.json) as Markdown tables.

Files with the same data set and number of origins share one table (ours and the peers', or a
separate NHITS run); a model that appears twice (Naive2 is in every file) is shown once.

Usage: python benchmarks/panel_report.py [FILES...] > section.md
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent


def model_table(models: list[dict], levels: list[int]) -> str:
    """One row per model: pairs, sMAPE, MASE, OWA, seconds, then coverage / width / Winkler per level."""
    head = ["model", "pairs", "sMAPE %", "MASE", "OWA", "seconds"]
    for lv in levels:
        head += [f"cov {lv}", f"width {lv}", f"Winkler {lv}"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in models:
        cells = [f"{r['system']} {r['model']}", str(r["n_pairs"]), f"{r['smape']:.2f}", f"{r['mase']:.3f}"]
        cells += [f"{r.get('owa', float('nan')):.3f}", f"{r['seconds']:.1f}"]
        for lv in levels:
            cov = r.get(f"cov_{lv}")
            cells += (
                ["", "", ""]
                if cov is None
                else [f"{cov:.3f}", f"{r[f'width_{lv}']:.2f}", f"{r[f'winkler_{lv}']:.2f}"]
            )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def origin_table(models: list[dict], levels: list[int]) -> str:
    """Coverage and MASE at each origin, for the models with intervals."""
    head = ["model", "origin", "pairs", "MASE"] + [f"cov {lv}" for lv in levels]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in models:
        for o in r["origins"]:
            if f"cov_{levels[0]}" not in o:
                continue
            cells = [f"{r['system']} {r['model']}", str(o["origin"]), str(o["n_pairs"]), f"{o['mase']:.3f}"]
            cells += [f"{o[f'cov_{lv}']:.3f}" for lv in levels]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def render(paths: list[Path]) -> str:
    groups: dict[tuple, list[dict]] = {}
    for path in paths:
        data = json.loads(path.read_text())
        groups.setdefault((data["dataset"], data["origins"]), []).append(data)
    out = []
    for (dataset, origins), runs in sorted(groups.items()):
        first = runs[0]
        seen, models = set(), []
        for run in runs:
            for m in run["models"]:
                if (m["system"], m["model"]) not in seen:
                    seen.add((m["system"], m["model"]))
                    models.append(m)
        split = "official split" if origins == 1 else f"{origins} origins, h apart"
        out += [
            f"#### {dataset}, {split} (h={first['horizon']}, m={first['season']}, pairs per origin "
            f"{first['pairs_per_origin']})",
            "",
            model_table(models, first["levels"]),
            "",
        ]
        if origins > 1:
            out += [origin_table(models, first["levels"]), ""]
        out += ["```sh"] + [f"nice -n {run['niceness']} {run['command']}" for run in runs] + ["```", ""]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args()
    print(render(args.files or sorted((HERE / "results").glob("panel_*.json"))))


if __name__ == "__main__":
    main()
