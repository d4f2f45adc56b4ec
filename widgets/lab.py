"""``make lab``: JupyterLab on copies of the coder and reviewer notebooks inside the project.

The notebooks in ``notebooks/`` are templates under version control; JupyterLab saves widget
output and cell state into whatever notebook it opens, so it never opens them. Each is copied
once into ``<project>/notebooks/`` (an existing copy is the coder's own and is left as it
is), and JupyterLab starts with the project as its root.

Run: ``python -m widgets.lab PROJECT [--print]`` (``--print``: copy and show the command only).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1] / "notebooks"
#: The notebooks a project gets: the coder's and the reviewer's.
NOTEBOOKS: tuple[str, ...] = ("code_clips.ipynb", "review.ipynb")


def copy_notebooks(project: Path, templates: Path = TEMPLATES) -> dict[str, Path]:
    """Copy the template notebooks missing from ``project/notebooks``; name → copy's path.

    Templates are only read. Raises FileNotFoundError naming a missing template or project.
    """
    if not (project / "bwv.yaml").is_file():
        raise FileNotFoundError(f"{project} is not a project folder (no bwv.yaml): run "
                                "`bwv init` or `bwv demo` first")
    target = project / "notebooks"
    target.mkdir(exist_ok=True)
    copies = {}
    for name in NOTEBOOKS:
        source, copy = templates / name, target / name
        if not source.is_file():
            raise FileNotFoundError(f"template notebook {source} is missing")
        if not copy.exists():
            shutil.copyfile(source, copy)
        copies[name] = copy
    return copies


def lab_command(project: Path, jupyter: str = "jupyter") -> list[str]:
    """The JupyterLab command over the project, opening the coder's notebook (run it in the
    project folder; as root, JupyterLab also needs ``--allow-root``)."""
    root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    return [jupyter, "lab", f"--ServerApp.root_dir={project}", *root,
            "notebooks/code_clips.ipynb"]


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    dry = "--print" in args
    args = [a for a in args if a != "--print"]
    if len(args) != 1:
        raise SystemExit("usage: python -m widgets.lab PROJECT [--print]")
    project = Path(args[0]).resolve()
    try:
        copies = copy_notebooks(project)
    except FileNotFoundError as exc:
        raise SystemExit(f"cannot start the lab: {exc}") from None
    for copy in copies.values():
        print(f"notebook: {copy}")
    jupyter = str(Path(sys.executable).parent / "jupyter")
    command = lab_command(project, jupyter)
    if dry:
        print(" ".join(command))
        return
    os.environ.setdefault("BWV_PROJECT", str(project))
    os.chdir(project)
    os.execv(command[0], command)


if __name__ == "__main__":
    main()
