"""Cited reference data: versioned data packages read through typed getters.

Every value is a :class:`Factor` carrying value, unit, region, period, citation (title,
publisher, year, URL, access date), note and dataset version. A lookup that cannot be
answered raises :class:`~greenprocure.errors.FactorNotFoundError` naming what exists.
"""

from greenprocure.reference.library import ReferenceLibrary, available_datasets, default_library
from greenprocure.reference.model import Citation, DatasetRef, Factor
from greenprocure.reference.package import DataPackage, Table, load_package

__all__ = [
    "Citation",
    "DataPackage",
    "DatasetRef",
    "Factor",
    "ReferenceLibrary",
    "Table",
    "available_datasets",
    "default_library",
    "load_package",
]
