"""The award report: HTML, DOCX and XLSX in the four languages carry the key figures."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from docx import Document
from openpyxl import load_workbook

from greenprocure.evaluation import EvaluationResult, evaluate, parse_tender
from greenprocure.evaluation.bids_csv import read_bids_csv
from greenprocure.i18n import format_currency, use_language
from greenprocure.reporting import evaluation_docx, evaluation_html, evaluation_xlsx

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "evaluation"
LANGS = ["en", "zh", "ko", "ja"]
HEADINGS = {
    "en": ("Evaluation report", "Excluded bids", "Parameters and sources"),
    "zh": ("评审报告", "被排除的投标", "参数及来源"),
    "ko": ("평가 보고서", "제외된 입찰", "변수와 출처"),
    "ja": ("評価報告書", "除外された入札", "パラメータと出典"),
}


def _result(name: str) -> EvaluationResult:
    tender = parse_tender(yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text("utf-8")))
    bids = None
    if name == "vehicles":
        bids = read_bids_csv((EXAMPLES / "vehicles_bids.csv").read_text("utf-8"), tender)
    return evaluate(tender, bids)


@pytest.fixture(scope="module")
def results() -> dict[str, EvaluationResult]:
    return {n: _result(n) for n in ("street_lighting", "vehicles", "air_conditioners")}


def _money(value: float, currency: str, lang: str) -> str:
    with use_language(lang):
        return format_currency(value, currency, digits=0)


@pytest.mark.parametrize("lang", LANGS)
def test_html_report_has_ranking_exclusions_and_sources(
    results: dict[str, EvaluationResult], lang: str
) -> None:
    result = results["air_conditioners"]
    html = evaluation_html(result, lang)
    lot = result.lots[0]
    winner = lot.bid(lot.winner or "")
    for heading in HEADINGS[lang]:
        assert heading in html
    assert f'lang="{ {"zh": "zh-Hans"}.get(lang, lang) }"' in html
    assert _money(winner.contract_price, "CNY", lang) in html
    assert _money(winner.evaluated_price, "CNY", lang) in html
    assert "<svg" in html  # the chart is inline
    assert "<script" not in html
    assert "AC-3" in html  # excluded, with its reason
    assert "2088" in html
    assert "Annual performance factor (APF)" in html


def test_html_report_states_the_ladder_discount_is_notional(
    results: dict[str, EvaluationResult],
) -> None:
    html = evaluation_html(results["vehicles"], "en")
    assert "not the contract price" in html
    assert "Operational lifetime cost (Clean Vehicles Directive)" in html
    assert "€603,900" in html  # V-3 evaluated price: 671 000 less the 10 % ladder discount
    assert "€671,000" in html  # ... while its contract price is unchanged
    assert "Directive 2009/33/EC" in html  # the cited source of the CVD factors
    assert "cvd 1.0.0" in html  # with its dataset version


def test_html_report_shows_lcc_cash_flows_by_year(results: dict[str, EvaluationResult]) -> None:
    result = results["street_lighting"]
    html = evaluation_html(result, "ja")
    winner = result.lots[0].bid(result.lots[0].winner or "")
    assert winner.lcc is not None
    assert "割引係数" in html
    assert html.count('<table class="cashflow">') == len(result.lots[0].ranking)
    assert _money(winner.lcc.total, "GBP", "ja") in html
    assert "DESNZ" in html  # the grid factor's publisher


@pytest.mark.parametrize("lang", LANGS)
def test_docx_report_in_each_language(results: dict[str, EvaluationResult], lang: str) -> None:
    result = results["vehicles"]
    document = Document(io.BytesIO(evaluation_docx(result, lang)))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert HEADINGS[lang][0] in text
    lot = result.lots[0]
    winner = lot.bid(lot.winner or "")
    assert winner.bidder in cells
    assert _money(winner.evaluated_cost, "EUR", lang) in cells
    assert _money(winner.contract_price, "EUR", lang) in cells


def test_xlsx_report_has_ranking_and_breakdown(results: dict[str, EvaluationResult]) -> None:
    result = results["street_lighting"]
    workbook = load_workbook(io.BytesIO(evaluation_xlsx(result, "ko")))
    assert workbook.sheetnames[:3] == ["순위표", "세부 내역", "현금 흐름"]
    ranking = workbook["순위표"]
    rows = list(ranking.iter_rows(min_row=2, values_only=True))
    lot = result.lots[0]
    first = next(r for r in rows if r[2] == 1)
    assert first[3] == lot.winner
    assert first[7] == pytest.approx(lot.bid(lot.winner or "").evaluated_cost)
    excluded = [r for r in rows if r[2] is None]
    assert [r[3] for r in excluded] == ["SL-D"]
    assert "efficacy" in excluded[0][12]
    flows = list(workbook["현금 흐름"].iter_rows(min_row=2, values_only=True))
    lifetime = 20
    assert len(flows) == len(lot.ranking) * (lifetime + 1)
    winner_flows = [r for r in flows if r[1] == lot.winner]
    present = sum(r[-1] for r in winner_flows)
    assert present == pytest.approx(lot.bid(lot.winner or "").lcc.total, rel=1e-9)  # type: ignore[union-attr]
