"""A bundle on disk: a folder, or a ``.zip`` of one (written byte-for-byte reproducibly)."""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from workbench.bundle.manifest import MANIFEST, Manifest
from workbench.exceptions import BundleError

#: Refuse archives that would unpack to more than this (bytes): a zip bomb is not a bundle.
MAX_UNPACKED = 20 * 1024**3
_EPOCH = (1980, 1, 1, 0, 0, 0)


def is_zip(path: Path) -> bool:
    return path.suffix.lower() == ".zip"


def pack(folder: Path, archive: Path) -> None:
    """Zip ``folder`` into ``archive``: sorted names, fixed dates, so equal bundles are equal
    files."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(path.relative_to(folder).as_posix(), _EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, path.read_bytes())


def write_bundle(work: Path, dest: Path, manifest: Manifest) -> None:
    """Write ``manifest`` into the staged folder ``work`` and place it at ``dest`` (a folder,
    or a reproducible zip when ``dest`` ends in ``.zip``)."""
    (work / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
    dest.parent.mkdir(parents=True, exist_ok=True)
    if is_zip(dest):
        pack(work, dest)
    else:
        shutil.copytree(work, dest)


@contextmanager
def open_bundle(path: Path) -> Iterator[Path]:
    """Yield the folder holding the bundle's ``manifest.json`` (a zip is unpacked first)."""
    if not path.exists():
        raise BundleError("no bundle here", path=path)
    if path.is_dir():
        if not (path / MANIFEST).is_file():
            raise BundleError(f"a bundle folder holds {MANIFEST}; this one does not", path=path)
        yield path
        return
    if not zipfile.is_zipfile(path):
        raise BundleError("expected a bundle folder or a .zip of one", path=path)
    tmp = Path(tempfile.mkdtemp(prefix="bwv-bundle-"))
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
            if sum(m.file_size for m in members) > MAX_UNPACKED:
                raise BundleError(f"unpacks to more than {MAX_UNPACKED} bytes", path=path)
            for m in members:
                name = Path(m.filename)
                if name.is_absolute() or ".." in name.parts:
                    raise BundleError("an entry's path leaves the bundle", path=path,
                                      field=m.filename)
            zf.extractall(tmp)
        if not (tmp / MANIFEST).is_file():
            raise BundleError(f"the archive holds no {MANIFEST} at its top", path=path)
        yield tmp
    except zipfile.BadZipFile as exc:
        raise BundleError(f"damaged zip archive: {exc}", path=path) from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
