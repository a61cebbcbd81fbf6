"""The public API is explicit: every package's ``__all__`` lists exactly its public names."""

from __future__ import annotations

import importlib
import pkgutil
import types

import pytest

import greenprocure


def _public_packages() -> list[str]:
    names = ["greenprocure"]
    for info in pkgutil.walk_packages(greenprocure.__path__, "greenprocure."):
        last = info.name.rsplit(".", 1)[-1]
        if info.ispkg and not last.startswith("_") and ".data" not in info.name:
            names.append(info.name)
    return names


@pytest.mark.parametrize("name", _public_packages())
def test_all_is_complete_and_exists(name: str) -> None:
    module = importlib.import_module(name)
    declared = getattr(module, "__all__", None)
    assert declared is not None, f"{name} has no __all__"
    missing = [n for n in declared if not hasattr(module, n)]
    assert not missing, f"{name}.__all__ names what does not exist: {missing}"
    public = {
        n
        for n, v in vars(module).items()
        if not n.startswith("_")
        and not isinstance(v, types.ModuleType)
        and getattr(v, "__module__", name).startswith("greenprocure")
        and n not in {"annotations"}
    }
    undeclared = sorted(public - set(declared))
    assert not undeclared, f"{name} exposes names missing from __all__: {undeclared}"
    assert len(declared) == len(set(declared)), f"{name}.__all__ has duplicates"


def test_version_is_exposed() -> None:
    assert greenprocure.__version__.count(".") == 2
    assert "__version__" in greenprocure.__all__


def test_package_is_typed() -> None:
    from importlib import resources

    assert resources.files("greenprocure").joinpath("py.typed").is_file()
