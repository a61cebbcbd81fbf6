"""The reference library: every installed data package, with optional version pins.

``ReferenceLibrary()`` uses the newest installed version of each dataset;
``ReferenceLibrary(pins={"grid": "1.0.0"})`` uses the pinned one and raises
:class:`DatasetVersionError` listing what is installed when it is absent. Every
:class:`~greenprocure.reference.model.Factor` records the dataset version it came from.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib import resources
from importlib.abc import Traversable

from greenprocure.errors import DatasetVersionError, FactorNotFoundError
from greenprocure.i18n import N_
from greenprocure.reference.package import DataPackage, Table, load_package, version_key

__all__ = ["ReferenceLibrary", "available_datasets", "default_library"]


def _data_root() -> Traversable:
    return resources.files("greenprocure.reference").joinpath("data")


@functools.cache
def available_datasets() -> Mapping[str, tuple[str, ...]]:
    """Installed datasets and their versions, oldest first."""
    found: dict[str, tuple[str, ...]] = {}
    for entry in sorted(_data_root().iterdir(), key=lambda e: e.name):
        if not entry.is_dir() or entry.name.startswith(("_", ".")):
            continue
        versions = [
            v.name
            for v in entry.iterdir()
            if v.is_dir() and v.joinpath("datapackage.json").is_file()
        ]
        if versions:
            found[entry.name] = tuple(sorted(versions, key=version_key))
    return found


@functools.cache
def _load(name: str, version: str) -> DataPackage:
    return load_package(_data_root().joinpath(name, version))


class ReferenceLibrary:
    """Typed access to the cited reference data, with optional version pins."""

    def __init__(self, pins: Mapping[str, str] | None = None) -> None:
        self.pins: dict[str, str] = dict(pins or {})
        for name, version in self.pins.items():
            self._version(name, version)

    def _version(self, name: str, pinned: str | None) -> str:
        datasets = available_datasets()
        if name not in datasets:
            raise FactorNotFoundError(
                N_("no dataset {name}; available: {available}"),
                name=name,
                available=", ".join(sorted(datasets)),
            )
        versions = datasets[name]
        if pinned is None:
            return versions[-1]
        if pinned not in versions:
            raise DatasetVersionError(
                N_("dataset {name} version {version} is not installed; available: {available}"),
                name=name,
                version=pinned,
                available=", ".join(versions),
            )
        return pinned

    def dataset(self, name: str) -> DataPackage:
        """The data package ``name`` at its pinned or newest version."""
        return _load(name, self._version(name, self.pins.get(name)))

    def table(self, dataset: str, table: str) -> Table:
        """One table of one dataset."""
        return self.dataset(dataset).table(table)

    def versions(self) -> dict[str, str]:
        """The version this library uses for each installed dataset (for results to record)."""
        return {name: self._version(name, self.pins.get(name)) for name in available_datasets()}


@functools.cache
def default_library() -> ReferenceLibrary:
    """The library with the newest version of every dataset."""
    return ReferenceLibrary()
