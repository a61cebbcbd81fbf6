"""The registered impact models, one module each, in display order."""

from __future__ import annotations

from greenprocure.errors import ValidationError
from greenprocure.i18n import N_
from greenprocure.impact import (
    catering,
    cleaning,
    energy_products,
    lighting,
    materials,
    refrigerants,
    renewables,
    reuse,
    spend,
    vehicles,
)
from greenprocure.impact.model import ImpactModel

__all__ = ["MODELS", "get_model", "models_by_group"]

#: Every impact model; the spend-based fallback comes last (least precise).
MODELS: tuple[ImpactModel, ...] = (
    energy_products.MODEL,
    refrigerants.MODEL,
    vehicles.MODEL,
    lighting.MODEL,
    renewables.MODEL,
    materials.MODEL,
    reuse.MODEL,
    catering.MODEL,
    cleaning.MODEL,
    spend.MODEL,
)


def models_by_group() -> dict[str, ImpactModel]:
    return {m.group: m for m in MODELS}


def get_model(group: str) -> ImpactModel:
    """The model of a product group; :class:`ValidationError` naming those that exist."""
    found = models_by_group().get(group)
    if found is None:
        raise ValidationError(
            N_("unknown product group {group!r}; available: {available}"),
            field="group",
            group=group,
            available=", ".join(m.group for m in MODELS),
        )
    return found
