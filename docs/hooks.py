"""MkDocs hooks: publish the API documents of ``api_specs/`` into the site, as written (and the
scenario format, ``scenario.schema.json``, that the how-to on scenarios links to).

The reference pages render ``specs/asyncapi.yaml`` and ``specs/openapi.yaml``. They are not
copies kept in ``docs/``: the build adds the files of ``api_specs/`` themselves, so the site can
never show a contract other than the one the service serves at ``/specs/*.yaml``.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

SPECS_DIR = Path(__file__).resolve().parents[1] / "api_specs"
SITE_FOLDER = "specs"
SPEC_NAMES = ("asyncapi.yaml", "openapi.yaml", "scenario.schema.json")


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add ``api_specs/*.yaml`` to the site under ``specs/``; refuse a hand-made copy in docs/."""
    for name in SPEC_NAMES:
        source = SPECS_DIR / name
        if not source.is_file():
            raise PluginError(f"{source} is missing: the reference pages render it")
        uri = f"{SITE_FOLDER}/{name}"
        if files.get_file_from_path(uri) is not None:
            raise PluginError(f"docs/{uri} must not exist: the build publishes api_specs/{name} there")
        files.append(File.generated(config, uri, abs_src_path=str(source)))
    return files
