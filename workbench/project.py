"""A project folder: its config file, its store and its codebook.

``bwv init PATH`` writes ``PATH/bwv.yaml``::

    store: sqlite:///…/store.sqlite     # or postgresql://user@host/db
    codebook: stop-search@1.0.0
    codebooks_dir: …/codebooks          # where codebooks/<name>/<version>.yaml live
    speakers:                          # speaker label (regex, case-insensitive) -> role
      - {pattern: '^(PC|PS|DC|DS|Sgt|Insp|Officer|Police)\\b', role: officer}
      …
    speaker_roles:                     # optional: roles for one file's or clip's labels
      stop_0002.srt: {SPEAKER_00: officer, SPEAKER_01: subject}
    speech_tiers: ['^orth@']           # optional: ELAN tiers that are speech (regex)
    skip_tiers: ['gesture', '^notes'] # optional: ELAN tiers that are never speech (regex)
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from workbench import textfiles
from workbench.acting import acting_user
from workbench.exceptions import ParameterError
from workbench.store import Store, default_sqlite_url

if TYPE_CHECKING:
    from workbench.codebook.book import Codebook

CONFIG_NAME = "bwv.yaml"
REPO_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_CODEBOOKS = REPO_ROOT / "codebooks"

DEFAULT_SPEAKER_RULES: list[dict[str, str]] = [
    {"pattern": r"^(PC|PCSO|PS|DC|DS|Sgt|Sergeant|Insp|Inspector|Officer|Police|Constable)\b",
     "role": "officer"},
    {"pattern": r"^(Subject|Suspect|Detained person|DP|Person stopped|Member of public)\b",
     "role": "subject"},
    {"pattern": r"^(Bystander|Witness|Passer-?by|Friend|Parent|Third party|Onlooker)\b",
     "role": "third_party"},
]


@dataclass
class Project:
    """A coding project rooted at ``root`` (the folder holding ``bwv.yaml``)."""

    root: Path
    store_url: str
    codebook: str = "stop-search@1.0.0"
    codebooks_dir: Path = BUNDLED_CODEBOOKS
    speakers: list[dict[str, str]] = field(default_factory=lambda: list(DEFAULT_SPEAKER_RULES))
    speaker_roles: dict[str, dict[str, str]] = field(default_factory=dict)
    speech_tiers: list[str] = field(default_factory=list)
    skip_tiers: list[str] = field(default_factory=list)

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def codebook_name(self) -> str:
        return self.codebook.split("@", 1)[0]

    def load_codebook(self) -> Codebook:
        """The project's codebook, validated (:func:`workbench.codebook.loading.load_ref`;
        imported here, so that loading a project stays light)."""
        from workbench.codebook.loading import load_ref

        return load_ref(self.codebook, self.codebooks_dir)

    @property
    def codebook_version(self) -> str:
        return self.codebook.split("@", 1)[1]

    def open_store(self, as_user: str | None = None) -> Store:
        """The store, opened as ``as_user`` (default: the command line's ``--as``, else
        ``$BWV_USER``, else as the owner); a per-user URL (``{user}``,
        :mod:`workbench.deployment.team`) is filled in for them."""
        from workbench.deployment.team import store_url_for

        user = as_user or acting_user() or os.environ.get("BWV_USER") or None
        return Store(store_url_for(self.store_url, user), as_user=user)

    @classmethod
    def init(cls, root: str | Path, store_url: str | None = None,
             codebook: str = "stop-search@1.0.0") -> Project:
        """Create the folder, a config and an empty store; an existing config is kept."""
        root = Path(root).resolve()
        if (root / CONFIG_NAME).exists():
            return cls.load(root)
        textfiles.make_folder(root, error=ParameterError)
        project = cls(root=root, store_url=store_url or default_sqlite_url(root / "store.sqlite"),
                      codebook=codebook)
        project.save()
        Store(project.store_url).close()
        return project

    def save(self) -> None:
        data: dict[str, Any] = {
            "store": self.store_url,
            "codebook": self.codebook,
            "codebooks_dir": str(self.codebooks_dir),
            "speakers": self.speakers,
        }
        for name in ("speaker_roles", "speech_tiers", "skip_tiers"):
            if getattr(self, name):
                data[name] = getattr(self, name)
        textfiles.write_text(
            self.config_path,
            "# BWV coding workbench project\n" + textfiles.dump_yaml(data),
            error=ParameterError)

    @classmethod
    def load(cls, root: str | Path | None = None) -> Project:
        """Load the project at ``root`` (default: $BWV_PROJECT, else the current folder)."""
        root = Path(root or os.environ.get("BWV_PROJECT") or ".").resolve()
        path = root / CONFIG_NAME
        if not path.exists():
            raise ParameterError(
                "no project here: run `bwv init FOLDER` first, or pass --project", path=path)
        data, node = textfiles.load_yaml(path, error=ParameterError)
        data = data or {}
        if not isinstance(data, dict) or "store" not in data:
            raise ParameterError("expected a mapping with a 'store' URL", path=path,
                                 field="store", line=1)
        lines = {str(k.value): k.start_mark.line + 1
                 for k, _ in (node.value if isinstance(node, yaml.MappingNode) else [])}
        for key in ("store", "codebook", "codebooks_dir"):
            if not isinstance(data.get(key, ""), str) or (key == "store" and not data[key]):
                raise ParameterError(f"expected text, got {type(data[key]).__name__} "
                                     f"{str(data[key])[:40]!r}", path=path,
                                     line=lines.get(key), field=key)
        codebook = str(data.get("codebook", "stop-search@1.0.0"))
        if "@" not in codebook:
            raise ParameterError("expected NAME@VERSION, e.g. stop-search@1.0.0",
                                 path=path, field="codebook", line=lines.get("codebook"))
        speakers = data.get("speakers") or DEFAULT_SPEAKER_RULES
        if not isinstance(speakers, list):
            raise ParameterError("expected a list of {pattern: REGEX, role: ROLE} rules",
                                 path=path, line=lines.get("speakers"), field="speakers")
        from workbench.ingest.roles import SpeakerRoles  # checks each rule

        try:
            SpeakerRoles.from_config(speakers)
        except ParameterError as exc:
            raise ParameterError(exc.message, path=path, line=lines.get("speakers"),
                                 field=exc.field) from None
        return cls(
            root=root, store_url=data["store"], codebook=codebook,
            codebooks_dir=Path(data.get("codebooks_dir") or BUNDLED_CODEBOOKS),
            speakers=list(speakers),
            **_transcript_settings(data, path),
        )


def _transcript_settings(data: dict[str, Any], path: Path) -> dict[str, Any]:
    """``speaker_roles``, ``speech_tiers`` and ``skip_tiers`` from the config, checked."""
    roles = data.get("speaker_roles") or {}
    if not isinstance(roles, dict) or not all(isinstance(v, dict) for v in roles.values()):
        raise ParameterError("expected a mapping of file name or clip id to {label: role}",
                             path=path, field="speaker_roles")
    found: dict[str, Any] = {"speaker_roles": {str(k): {str(a): str(b) for a, b in v.items()}
                                               for k, v in roles.items()}}
    for name in ("speech_tiers", "skip_tiers"):
        value = data.get(name) or []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise ParameterError("expected a list of regular expressions", path=path,
                                 field=name)
        found[name] = [str(v) for v in value]
    return found
