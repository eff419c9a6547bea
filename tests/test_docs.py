"""The repository stands alone: its documents link only to files it holds."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Spelled in two parts so that this file does not match itself.
OUTSIDE = "../" + "shared"
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def tracked(pattern: str) -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", pattern], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return [ROOT / line for line in listed.stdout.splitlines()]


def test_markdown_links_resolve_inside_the_repository() -> None:
    broken = []
    for document in tracked("*.md"):
        if "node_modules" in document.parts:
            continue
        for target in LINK.findall(document.read_text()):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            resolved = (document.parent / target).resolve()
            if not resolved.is_relative_to(ROOT) or not resolved.exists():
                broken.append(f"{document.relative_to(ROOT)} -> {target}")

    assert broken == []


def test_nothing_points_outside_the_repository() -> None:
    outside = [
        str(path.relative_to(ROOT))
        for path in tracked("*")
        if path.suffix in {".md", ".py", ".toml", ".yaml", ".example", ""}
        and path.is_file()
        and OUTSIDE in path.read_text(errors="ignore")
    ]

    assert outside == []
