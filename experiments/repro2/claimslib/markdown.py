"""Formatting: work in TMAC, wall times, markdown tables and the "Source:" line naming the files a
table read."""

from __future__ import annotations


def tmac(work: float) -> str:
    v = work / 1e12
    if v == 0:
        return "0"
    if abs(v) >= 100:
        return f"{v:.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    if abs(v) >= 1:
        return f"{v:.2f}"
    return f"{v:.3g}"


def duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    if seconds < 3600:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.2f} h"


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def sources_line(runs, extra: list[str] | None = None) -> str:
    files: dict[str, list[str]] = {}
    for r in runs:
        files.setdefault(r.source, []).append(r.name)
    parts = [f"`{f}` ({', '.join(sorted(names))})" for f, names in sorted(files.items())]
    parts += [f"`{e}`" for e in extra or []]
    return "Source: " + ("; ".join(parts) if parts else "no file (nothing collected yet)") + "."
