"""Compliance: technical specifications as executable requirements, verified per bid.

A requirement on a parameter compares the declared value, converted with pint to the
requirement's unit, with the threshold (``<=``, ``<``, ``>=``, ``>``, ``==``, ``!=``). A
declared value decides; when no value is declared, a label or certificate of an accepted
scheme that is valid on the tender date verifies the requirement, and so does an
equivalence dossier where the tender accepts "or equivalent" (flagged for the committee).
A requirement with no parameter is a mandatory certification (Korea, Japan): an accepted
certificate valid on the tender date, or an equivalence dossier where allowed.

A bid failing a mandatory requirement is excluded and the reason is recorded; a failed
optional requirement is recorded without exclusion. A missing value that nothing else
verifies is an input error naming the bid and the parameter.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from greenprocure.errors import ValidationError
from greenprocure.evaluation._context import Context
from greenprocure.evaluation.result import Message, RequirementCheck
from greenprocure.evaluation.tender import Certificate, Requirement
from greenprocure.i18n import N_

__all__ = ["check_requirements"]

_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "<=": operator.le,
    "<": operator.lt,
    ">=": operator.ge,
    ">": operator.gt,
    "==": operator.eq,
    "!=": operator.ne,
}

_FAILED = N_("requirement {requirement}: declared {value} does not satisfy {operator} {threshold}")
_NO_CERT = N_("requirement {requirement}: no valid certificate of {schemes} on {date}")
_EXPIRED = N_(
    "requirement {requirement}: certificate {scheme} {number} is not valid on {date} "
    "(valid {valid_from} to {valid_to})"
)
_EQUIVALENT = N_(
    "requirement {requirement}: accepted on an equivalence dossier; the committee must verify it"
)


def _with_unit(value: Any, unit: str | None) -> str:
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{text} {unit}" if unit else text


def _cert_text(certificate: Certificate) -> str:
    return f"{certificate.scheme} {certificate.number}".strip()


def _invalid_cert(ctx: Context, index: int, schemes: Sequence[str]) -> Certificate | None:
    wanted = {s.lower() for s in schemes}
    for certificate in ctx.bids[index].certificates:
        if certificate.scheme.lower() in wanted:
            return certificate
    return None


def _numeric_values(ctx: Context, req: Requirement) -> list[Any]:
    assert req.parameter is not None
    if isinstance(req.threshold, bool | str):
        return ctx.raw(req.parameter)
    array = ctx.numbers(req.parameter, req.unit, required=False)
    return [None if np.isnan(v) else float(v) for v in array.tolist()]


def _compare(req: Requirement, value: Any, ctx: Context, index: int) -> bool:
    threshold = req.threshold
    if isinstance(threshold, bool):
        value = value if isinstance(value, bool) else str(value).lower() in {"true", "yes", "1"}
    elif isinstance(threshold, str) and not isinstance(value, str):
        value = str(value)
    try:
        return bool(_OPS[req.operator](value, threshold))
    except TypeError:
        raise ValidationError(
            N_("bid {bid}: parameter {parameter} cannot be compared with {threshold!r}"),
            **ctx.where(ctx.bids[index], req.parameter or req.id),
            parameter=req.parameter,
            threshold=threshold,
        ) from None


def _check_one(ctx: Context, req: Requirement) -> list[RequirementCheck]:
    n = ctx.n
    certs = ctx.has_certificate(req.accepted_certificates) if req.accepted_certificates else []
    values = _numeric_values(ctx, req) if req.parameter else [None] * n
    date = ctx.tender.date.isoformat()
    checks: list[RequirementCheck] = []
    for i in range(n):
        value = values[i]
        bid = ctx.bids[i]
        message: Message | None = None
        if value is not None:
            passed = _compare(req, value, ctx, i)
            verified, evidence = "declared", ""
            if not passed:
                message = Message(
                    _FAILED,
                    {
                        "requirement": req.id,
                        "value": _with_unit(value, req.unit),
                        "operator": req.operator,
                        "threshold": _with_unit(req.threshold, req.unit),
                    },
                )
        elif certs and certs[i] is not None:
            passed, verified, evidence = True, "certificate", _cert_text(certs[i])
        elif req.or_equivalent and bid.equivalence_dossier:
            passed, verified, evidence = True, "equivalence", ""
            message = Message(_EQUIVALENT, {"requirement": req.id})
        elif req.parameter is not None and not req.accepted_certificates:
            raise ValidationError(
                N_("bid {bid}: parameter {parameter} is missing"),
                **ctx.where(bid, req.parameter),
                parameter=req.parameter,
            )
        else:
            passed, verified, evidence = False, "", ""
            stale = _invalid_cert(ctx, i, req.accepted_certificates)
            if stale is not None:
                message = Message(
                    _EXPIRED,
                    {
                        "requirement": req.id,
                        "scheme": stale.scheme,
                        "number": stale.number,
                        "date": date,
                        "valid_from": stale.valid_from.isoformat() if stale.valid_from else "-",
                        "valid_to": stale.valid_to.isoformat() if stale.valid_to else "-",
                    },
                )
            else:
                message = Message(
                    _NO_CERT,
                    {
                        "requirement": req.id,
                        "schemes": ", ".join(req.accepted_certificates),
                        "date": date,
                    },
                )
        checks.append(
            RequirementCheck(
                requirement=req.id,
                passed=passed,
                mandatory=req.mandatory,
                value=value,
                threshold=req.threshold,
                unit=req.unit,
                verified_by=verified,
                evidence=evidence,
                message=message,
            )
        )
    return checks


def check_requirements(
    ctx: Context, requirements: Sequence[Requirement]
) -> tuple[list[list[RequirementCheck]], list[list[Message]], list[list[Message]]]:
    """Per bid: its checks, its exclusion reasons, and flags for the committee."""
    per_bid: list[list[RequirementCheck]] = [[] for _ in range(ctx.n)]
    exclusions: list[list[Message]] = [[] for _ in range(ctx.n)]
    flags: list[list[Message]] = [[] for _ in range(ctx.n)]
    for req in requirements:
        for i, check in enumerate(_check_one(ctx, req)):
            per_bid[i].append(check)
            if not check.passed and check.mandatory and check.message is not None:
                exclusions[i].append(check.message)
            elif check.passed and check.message is not None:
                flags[i].append(check.message)
    return per_bid, exclusions, flags
