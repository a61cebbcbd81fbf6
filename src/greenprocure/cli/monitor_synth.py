"""``greenprocure monitor synth``: write synthetic OCDS data for benchmarks and scale tests."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from greenprocure.cli.io import error_console, handles_errors, print_json
from greenprocure.errors import ValidationError
from greenprocure.i18n import format_number
from greenprocure.i18n import gettext as _

__all__ = ["SynthForm", "register"]


class SynthForm(StrEnum):
    """What ``monitor synth`` writes."""

    release_package = "release-package"
    compiled = "compiled"


#: The options of the generator's parameters (its errors name the parameters).
_OPTIONS = {
    "n_releases": "--releases",
    "releases_per_ocid": "--releases-per-ocid",
    "max_lots": "--max-lots",
    "package_size": "--package-size",
    "green_share": "--green-share",
}


def register(group: typer.Typer) -> None:
    """Add ``synth`` to the ``monitor`` command group."""

    @group.command(
        "synth",
        help=_(
            "Write synthetic OCDS data (JSON Lines, .gz if the name ends so): release packages "
            "or compiled releases with lots, awards, contracts and sustainability."
        ),
    )
    @handles_errors
    def synth(
        releases: Annotated[
            int, typer.Option("--releases", help=_("How many releases to write (about)."))
        ],
        output: Annotated[Path, typer.Option("--output", "-o", help=_("File to write."))],
        form: Annotated[
            SynthForm,
            typer.Option("--form", help=_("release-package (one package per line) or compiled.")),
        ] = SynthForm.release_package,
        seed: Annotated[int, typer.Option("--seed", help=_("Seed: same seed, same file."))] = 0,
        green_share: Annotated[
            float, typer.Option("--green-share", help=_("Share of lots with green criteria."))
        ] = 0.3,
        per_ocid: Annotated[
            int,
            typer.Option("--releases-per-ocid", help=_("Releases per contracting process.")),
        ] = 3,
        max_lots: Annotated[
            int, typer.Option("--max-lots", help=_("Most lots in one tender."))
        ] = 4,
        package_size: Annotated[
            int, typer.Option("--package-size", help=_("Releases per release package."))
        ] = 100,
        as_json: Annotated[
            bool, typer.Option("--json", help=_("Print the summary as JSON."))
        ] = False,
    ) -> None:
        # imported here: the other monitor commands do not pay for the generator
        from greenprocure.monitoring.synth import generate

        try:
            result = generate(
                releases,
                output,
                seed=seed,
                green_share=green_share,
                releases_per_ocid=per_ocid,
                max_lots=max_lots,
                form=form.value,
                package_size=package_size,
            )
        except ValidationError as error:
            # the generator names its parameters; say which option it was
            option = _OPTIONS.get(str(error.field))
            if option is None:
                raise
            params = dict(error.params)
            if "name" in params:
                params["name"] = option
            raise ValidationError(error.message, field=option, **params) from error
        if as_json:
            print_json(result.to_dict())
            return
        compiled = form is SynthForm.compiled
        error_console.print(
            (
                _(
                    "Wrote {path}: {processes} compiled releases (made of {releases} "
                    "releases), {lots} lots of which {green} green, {size} bytes."
                )
                if compiled
                else _(
                    "Wrote {path}: {releases} releases of {processes} contracting processes, "
                    "{lots} lots of which {green} green, {size} bytes."
                )
            ).format(
                path=result.path,
                releases=format_number(result.releases),
                processes=format_number(result.processes),
                lots=format_number(result.lots),
                green=format_number(result.green_lots),
                size=format_number(result.bytes_written),
            )
        )
