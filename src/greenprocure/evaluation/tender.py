"""The tender and bid models: what a contracting authority publishes and what bidders submit.

A tender file (YAML or JSON, read by the CLI) is a mapping validated by :func:`parse_tender`;
:func:`tender_json_schema` exports its JSON Schema for documentation and editors. Bids are
either inline (``tender.bids``) or read from a workbook by the CLI and passed to
:func:`greenprocure.evaluation.evaluate`.

Conventions: money is in the tender's ``currency`` unless a bid names its own (then it is
converted with a dated rate from the reference library); rates are fractions (``0.04`` is
4 %); percentages of discounts and deductions are percent (``4`` is 4 %). Bid parameters carry
their own unit and are converted with pint to the unit the tender asks for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

import pydantic
from pydantic import BaseModel, ConfigDict, Field, model_validator

from greenprocure.errors import ValidationError
from greenprocure.i18n import N_
from greenprocure.reference.fuels import FUELS as _REFERENCE_FUELS

__all__ = [
    "FUELS",
    "LADDER_PRESETS",
    "AwardSpec",
    "Bid",
    "Certificate",
    "CertificateDeduction",
    "Co2Ladder",
    "Criterion",
    "CvdSpec",
    "GreenMechanism",
    "LccSpec",
    "Lot",
    "ParameterValue",
    "PriceDeduction",
    "PriceFormulaSpec",
    "Requirement",
    "ResourceSpec",
    "Tender",
    "parse_bids",
    "parse_tender",
    "tender_json_schema",
]

Operator = Literal["<=", "<", ">=", ">", "==", "!="]
AwardMethodName = Literal["lowest_price", "lowest_cost", "meat"]
PriceFormulaName = Literal["proportional", "linear", "price_per_point"]
#: Fuels and energy carriers a vehicle may name: the reference library's fuels and electricity.
FUELS: tuple[str, ...] = (*_REFERENCE_FUELS, "electricity")


class _RuleError(ValueError):
    """A tender rule broken; the message is a gettext message id, shown translated."""


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False
    )


class ParameterValue(_Model):
    """A declared value of a bid: a number with its unit, a yes/no, or a text (a grade)."""

    value: float | bool | str
    unit: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_scalar(cls, data: Any) -> Any:
        if isinstance(data, bool | int | float):
            return {"value": data}
        if isinstance(data, str):
            return {"value": data}
        return data


class Certificate(_Model):
    """A label or certificate held for the offered product: scheme, number and validity."""

    scheme: str = Field(min_length=1, description="Scheme id, e.g. 'eu-ecolabel', 'china-energy'.")
    number: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    issuer: str = ""

    def valid_on(self, day: dt.date) -> bool:
        """Whether the certificate is valid on ``day`` (open ends count as valid)."""
        if self.valid_from is not None and day < self.valid_from:
            return False
        return not (self.valid_to is not None and day > self.valid_to)


class Requirement(_Model):
    """A technical specification as an executable rule, or a mandatory certification.

    With ``parameter`` set, the bid's value (converted to ``unit``) must satisfy
    ``value <operator> threshold``. ``accepted_certificates`` lists labels that prove
    conformity: a bid holding one that is valid on the tender date meets the requirement
    without declaring the value. With no ``parameter``, holding an accepted certificate *is*
    the requirement (mandatory certification, as in Korea and Japan). ``or_equivalent``
    accepts other proof when the bid has an equivalence dossier; the result flags it for
    the evaluation committee to check.
    """

    id: str = Field(min_length=1)
    description: str = ""
    parameter: str | None = None
    operator: Operator = "<="
    threshold: float | bool | str | None = None
    unit: str | None = None
    mandatory: bool = True
    accepted_certificates: tuple[str, ...] = ()
    or_equivalent: bool = False
    source: str = Field("", description="Legal or criteria source, e.g. 'EU GPP 2021 TS1'.")

    @model_validator(mode="after")
    def _check(self) -> Requirement:
        if self.parameter is None and not self.accepted_certificates:
            raise _RuleError(N_("a requirement needs a parameter or accepted_certificates"))
        if self.parameter is not None and self.threshold is None:
            raise _RuleError(N_("a requirement on a parameter needs a threshold"))
        return self


class Criterion(_Model):
    """A quality award criterion with its weight (points out of the total).

    ``kind``:

    - ``points``: the bid's ``parameter`` holds the points given by the evaluation committee
      on a scale 0..``scale_max``; score = weight x points / scale_max.
    - ``pass_fail``: the parameter is yes/no; score = weight when yes, else 0
      (``exclude_on_fail`` makes a "no" an exclusion).
    - ``numeric``: a declared number (converted to ``unit``) scored by linear interpolation
      between ``worst`` and ``best`` (defaults: the worst and best compliant bids); values
      beyond ``best`` get full marks, beyond ``worst`` zero. ``better`` says which direction
      is better. ``minimum``/``maximum`` exclude bids outside them.
    - ``certificate``: full weight when the bid holds one of ``schemes`` valid on the tender
      date, else 0.
    """

    id: str = Field(min_length=1)
    name: str = ""
    weight: float = Field(ge=0)
    kind: Literal["points", "pass_fail", "numeric", "certificate"] = "numeric"
    parameter: str | None = None
    unit: str | None = None
    better: Literal["lower", "higher"] = "higher"
    best: float | None = None
    worst: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    scale_max: float = Field(10.0, gt=0)
    exclude_on_fail: bool = False
    schemes: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> Criterion:
        if self.kind == "certificate" and not self.schemes:
            raise _RuleError(N_("a certificate criterion needs schemes"))
        if self.kind != "certificate" and not self.parameter:
            raise _RuleError(N_("this criterion needs a parameter"))
        return self


class PriceFormulaSpec(_Model):
    """How price (or cost) becomes points in MEAT.

    ``proportional``: lowest / offer. ``linear``: 1 at the lowest, 0 at ``reference``
    (``highest`` offer, or a fixed ``reference_value``). ``price_per_point``: the ranking is by
    price (or cost) divided by the total quality score; lowest ratio wins.
    """

    name: PriceFormulaName = "proportional"
    reference: Literal["highest", "value"] = "highest"
    reference_value: float | None = Field(None, gt=0)

    @model_validator(mode="after")
    def _check(self) -> PriceFormulaSpec:
        if self.reference == "value" and self.reference_value is None:
            raise _RuleError(N_("reference 'value' needs reference_value"))
        return self


class AwardSpec(_Model):
    """The award method and its parameters.

    ``lowest_price``: lowest evaluated price. ``lowest_cost``: lowest life-cycle cost (LCC
    or CVD operational lifetime cost added to the price). ``meat``: best price-quality
    ratio; ``price_weight`` points for price (or for cost when ``cost_basis`` is ``lcc``)
    plus the weights of ``criteria``.
    """

    method: AwardMethodName = "lowest_price"
    price_weight: float = Field(0.0, ge=0)
    cost_basis: Literal["price", "lcc"] = "price"
    formula: PriceFormulaSpec = PriceFormulaSpec()
    criteria: tuple[Criterion, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> AwardSpec:
        if self.method == "meat":
            if not self.criteria:
                raise _RuleError(N_("the meat method needs criteria"))
            if self.formula.name != "price_per_point" and self.price_weight <= 0:
                raise _RuleError(N_("the meat method needs a positive price_weight"))
            ids = [c.id for c in self.criteria]
            if len(set(ids)) != len(ids):
                raise _RuleError(N_("criterion ids must be unique"))
        return self

    @property
    def total_weight(self) -> float:
        return self.price_weight + sum(c.weight for c in self.criteria)


#: Known CO2 Performance Ladder scales: (mode, {level: advantage}). ProRail's five-level
#: scale (v3.x) and SKAO's version-4.0 three-step examples (percent, EUR amount, points).
LADDER_PRESETS: dict[str, tuple[str, dict[int, float]]] = {
    "prorail_v3": ("percent", {1: 1.0, 2: 2.0, 3: 4.0, 4: 7.0, 5: 10.0}),
    "skao_v4_percent": ("percent", {1: 5.0, 2: 10.0, 3: 15.0}),
    "skao_v4_amount": ("amount", {1: 50_000.0, 2: 100_000.0, 3: 150_000.0}),
    "skao_v4_points": ("points", {1: 50.0, 2: 100.0, 3: 150.0}),
}


def _prorail() -> dict[int, float]:
    return dict(LADDER_PRESETS["prorail_v3"][1])


class Co2Ladder(_Model):
    """CO2 Performance Ladder notional discount (or points) by the declared ambition level.

    ``mode`` ``percent``: evaluated price = price x (1 - scale[level] / 100);
    ``amount``: evaluated price = price - scale[level]; ``points``: scale[level] quality
    points are added. Default scale: ProRail's five levels 1/2/4/7/10 %; ``preset`` selects a
    known scale (see ``LADDER_PRESETS``). Level 0 or no level earns nothing. The contract
    price is never changed; a missed level is sanctioned under the contract.
    """

    type: Literal["co2_ladder"] = "co2_ladder"
    mode: Literal["percent", "amount", "points"] = "percent"
    scale: dict[int, float] = Field(default_factory=_prorail)
    preset: Literal["prorail_v3", "skao_v4_percent", "skao_v4_amount", "skao_v4_points"] | None = (
        None
    )

    @model_validator(mode="before")
    @classmethod
    def _apply_preset(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and data.get("preset") in LADDER_PRESETS:
            mode, scale = LADDER_PRESETS[str(data["preset"])]
            data = {"mode": mode, "scale": dict(scale), **dict(data)}
        return data

    @model_validator(mode="after")
    def _check(self) -> Co2Ladder:
        if any(level < 0 for level in self.scale) or any(v < 0 for v in self.scale.values()):
            raise _RuleError(N_("ladder levels and advantages must not be negative"))
        if self.mode == "percent" and any(v >= 100 for v in self.scale.values()):
            raise _RuleError(N_("a percentage advantage must be below 100"))
        return self


class CertificateDeduction(_Model):
    """One rule of a certificate-based price deduction: schemes and the percent (or points)."""

    schemes: tuple[str, ...] = Field(min_length=1)
    value: float = Field(gt=0)
    label: str = ""


class PriceDeduction(_Model):
    """Price deduction (or points) for products holding listed certificates.

    China's priority procurement (财库〔2019〕9号 with local rules) gives certified energy-saving
    or environmental-label products a 1-5 % deduction from the evaluated price or 1-5 points.
    Each matching rule adds its value; ``combine="max"`` keeps only the largest; the total
    is capped at ``cap``. The contract price is not changed.
    """

    type: Literal["price_deduction"] = "price_deduction"
    mode: Literal["percent", "points"] = "percent"
    rules: tuple[CertificateDeduction, ...] = Field(min_length=1)
    combine: Literal["sum", "max"] = "sum"
    cap: float | None = Field(None, gt=0)

    @model_validator(mode="after")
    def _check(self) -> PriceDeduction:
        if self.mode == "percent" and (self.cap or 0) >= 100:
            raise _RuleError(N_("a percentage cap must be below 100"))
        return self


GreenMechanism = Annotated[Co2Ladder | PriceDeduction, Field(discriminator="type")]


class ResourceSpec(_Model):
    """Another resource used during the life (water, gas, fuel): price per unit of use."""

    name: str = Field(min_length=1)
    parameter: str = Field(min_length=1, description="Bid parameter: consumption per year.")
    unit: str = Field(min_length=1, description="Unit the price refers to, e.g. 'm**3'.")
    price: float = Field(ge=0)
    escalation: float = 0.0
    fuel: str | None = Field(None, description="Fuel burnt: its emissions count as externality.")


class LccSpec(_Model):
    """Life-cycle costing parameters (Directive 2014/24/EU Art. 68).

    Bid parameters used (all optional except those the tender needs): ``energy_per_year``
    (kWh/year) or ``power`` (W or kW, times ``hours_per_year`` x ``load_factor``);
    ``maintenance_per_year``, ``consumables_per_year`` (money/year); ``disposal_cost`` or
    ``residual_value`` (money at the end of life); the parameters named in ``resources``.
    Year 0 is the acquisition; years 1..lifetime carry use costs; the end of life is in the
    last year. Cash flows are escalated by ``(1+e)^t`` and discounted by ``(1+d)^t``.
    """

    lifetime_years: int = Field(ge=1, le=100)
    discount_rate: float = Field(0.0, gt=-1, lt=1)
    quantity: float = Field(1.0, gt=0, description="Units bought; per-unit data is multiplied.")
    electricity_price: float | None = Field(None, ge=0, description="Money per kWh.")
    hours_per_year: float | None = Field(None, ge=0, le=8784)
    load_factor: float = Field(1.0, ge=0, le=1)
    escalation: dict[
        Literal["energy", "resources", "consumables", "maintenance", "externalities"], float
    ] = Field(default_factory=dict)
    resources: tuple[ResourceSpec, ...] = ()
    externalities: bool = False
    carbon_price: float | None = Field(None, ge=0, description="Money per t CO2e.")
    carbon_price_name: str | None = Field(
        None, description="Reference carbon price, e.g. 'EU ETS'."
    )
    grid_region: str | None = Field(None, description="Default: the tender's country.")
    grid_basis: Literal["location", "market"] = "location"
    price_is_per_unit: bool = Field(False, description="Bid price is per unit: times quantity.")

    @model_validator(mode="after")
    def _check(self) -> LccSpec:
        if self.externalities and self.carbon_price is None and not self.carbon_price_name:
            raise _RuleError(N_("externalities need carbon_price or carbon_price_name"))
        return self


class CvdSpec(_Model):
    """Clean Vehicles Directive 2009/33/EC Art. 6 operational lifetime cost.

    ``petrol_price`` and ``diesel_price`` are pre-tax prices per litre in the tender currency;
    the lower of their prices per MJ applies to every bid. ``co2_cost`` (money/kg) and
    ``nox_cost``, ``nmhc_cost``, ``pm_cost`` (money/g) override the Annex Table 2 values and
    must lie within what the Directive allows. Bid parameters: ``fuel``, ``fuel_consumption``
    (e.g. L/(100 km), kWh/(100 km), Nm3/(100 km), MJ/km), ``co2``, ``nox``, ``nmhc``, ``pm``
    (g/km), optional ``mileage_covered`` (km).
    """

    category: Literal["M1", "N1", "N2", "N3", "M2", "M3"]
    petrol_price: float = Field(gt=0)
    diesel_price: float = Field(gt=0)
    lifetime_mileage: float | None = Field(None, gt=0)
    co2_cost: float | None = Field(None, ge=0)
    nox_cost: float | None = Field(None, ge=0)
    nmhc_cost: float | None = Field(None, ge=0)
    pm_cost: float | None = Field(None, ge=0)
    quantity: float = Field(1.0, gt=0, description="Vehicles bought.")


class Lot(_Model):
    """A lot; its own requirements add to the tender's, its award spec replaces the tender's."""

    id: str = Field(min_length=1)
    title: str = ""
    requirements: tuple[Requirement, ...] = ()
    award: AwardSpec | None = None
    lcc: LccSpec | None = None
    cvd: CvdSpec | None = None
    mechanisms: tuple[GreenMechanism, ...] | None = None


class Bid(_Model):
    """A bid for one lot: bidder, price and the declared parameters and certificates."""

    id: str = Field(min_length=1)
    bidder: str = Field(min_length=1)
    lot: str | None = None
    price: float
    currency: str | None = None
    parameters: dict[str, ParameterValue] = Field(default_factory=dict)
    certificates: tuple[Certificate, ...] = ()
    co2_ladder_level: int | None = Field(None, ge=0)
    co2_ladder_proof: Literal["certificate", "project_statement"] | None = None
    equivalence_dossier: bool = False
    submitted_at: dt.datetime | None = None


class Tender(_Model):
    """A tender: who buys what, and how bids are checked, costed and ranked."""

    title: str = Field(min_length=1)
    buyer: str = Field(min_length=1)
    country: str = Field(min_length=2, description="ISO 3166 code, e.g. 'CN', 'NL'.")
    currency: str = Field(min_length=3, max_length=3)
    date: dt.date
    factor_year: int | None = Field(None, description="Year of reference factors; default date.")
    reference: str = ""
    lots: tuple[Lot, ...] = ()
    requirements: tuple[Requirement, ...] = ()
    award: AwardSpec = AwardSpec()
    mechanisms: tuple[GreenMechanism, ...] = ()
    lcc: LccSpec | None = None
    cvd: CvdSpec | None = None
    bids: tuple[Bid, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> Tender:
        ids = [lot.id for lot in self.lots]
        if len(set(ids)) != len(ids):
            raise _RuleError(N_("lot ids must be unique"))
        return self

    @property
    def year(self) -> int:
        """The year whose reference factors (grid, exchange rates) apply."""
        return self.factor_year if self.factor_year is not None else self.date.year

    def effective_lots(self) -> tuple[Lot, ...]:
        """The lots, or one implicit lot ``"1"`` when the tender has none."""
        return self.lots or (Lot(id="1", title=self.title),)


def _invalid(
    exc: pydantic.ValidationError, template: str, *, file: str | None, record: str, **params: Any
) -> ValidationError:
    """The first problem pydantic found: a broken tender rule in its own (translated) words,
    any other as ``template`` with pydantic's reason."""
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error.get("loc", ()))
    cause = error.get("ctx", {}).get("error")
    if isinstance(cause, _RuleError):
        return ValidationError(str(cause), file=file, record=record, field=field, **params)
    reason = str(error.get("msg", ""))
    return ValidationError(template, file=file, record=record, field=field, reason=reason, **params)


def parse_tender(data: Mapping[str, Any], *, file: str | None = None) -> Tender:
    """Validate a tender mapping; :class:`ValidationError` names the field on bad input."""
    try:
        return Tender.model_validate(dict(data))
    except pydantic.ValidationError as exc:
        raise _invalid(exc, N_("invalid tender: {reason}"), file=file, record="tender") from exc


def parse_bids(rows: Sequence[Mapping[str, Any]], *, file: str | None = None) -> list[Bid]:
    """Validate bid mappings; the error names the bid (id or row number) and the field."""
    bids: list[Bid] = []
    for number, row in enumerate(rows, start=1):
        try:
            bids.append(Bid.model_validate(dict(row)))
        except pydantic.ValidationError as exc:
            record = str(row.get("id") or number)
            raise _invalid(
                exc, N_("invalid bid {bid}: {reason}"), file=file, record=record, bid=record
            ) from exc
    return bids


def tender_json_schema() -> dict[str, Any]:
    """The JSON Schema of a tender file (bids inline or not)."""
    return Tender.model_json_schema()
