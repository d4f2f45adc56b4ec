"""Portable, versioned bundles of a store: Parquet tables, codebooks, the audit chain and a
manifest of hashes (see :mod:`workbench.bundle.manifest` for the format)."""

from workbench.bundle.export import export_bundle
from workbench.bundle.folder import open_bundle
from workbench.bundle.manifest import FORMAT, FORMAT_VERSION, FileEntry, Manifest, check_files
from workbench.bundle.restore import ImportReport, import_bundle, read_manifest

__all__ = ["FORMAT", "FORMAT_VERSION", "FileEntry", "ImportReport", "Manifest",
           "check_files", "export_bundle", "import_bundle", "open_bundle", "read_manifest"]
