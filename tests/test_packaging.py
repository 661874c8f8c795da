"""The project's metadata agrees with its LICENSE file, and says what the project is."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_licence_file_is_the_licence_the_metadata_declares() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = project["license"]["text"]
    assert (ROOT / "LICENSE").read_text().splitlines()[0] == f"{declared} License"
    assert f"License :: OSI Approved :: {declared} License" in project["classifiers"]


def test_the_metadata_has_keywords_and_classifiers_for_python_311() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "heuristic estimators" in project["keywords"]
    assert "Programming Language :: Python :: 3.11" in project["classifiers"]
