"""Alert actions from the app go through the alert store and outlive a rebuild; auditors
cannot act; exports hold exactly the filtered rows, nothing personal in clear, and are
logged."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil

import duckdb
import polars as pl
import pytest
from app_helpers import login, open_page
from pii_shapes import ID_SHAPE, MOBILE_SHAPE

from apps.streamlit import audit, data
from pipelines.alerts import store
from pipelines.alerts.cli import list_alerts


def _clear_personal_values(landing) -> set[str]:
    """Every ID number and phone the enrolments feed delivered in clear."""
    from pipelines.contract import DISTRICT_FEEDS
    from pipelines.district_feeds.ingest import typed_delivery
    from pipelines.district_feeds.landing import discover

    clear: set[str] = set()
    for delivery in discover(landing):
        if delivery.problem or delivery.feed != "enrolments":
            continue
        feed = DISTRICT_FEEDS[delivery.feed]
        try:
            frame = typed_delivery(delivery)
        except Exception:  # an unreadable file: nothing of it is published anyway
            continue
        for column in (c.name for c in feed.pii_columns if c.pii in ("id_number", "phone")):
            clear |= {v.strip() for v in frame[column].drop_nulls().to_list() if len(v) >= 11}
    return clear


def _pick_new_alert(app_env, district: str) -> str:
    return app_env.sql(
        "select alert_id from alerts where district_code = ? and status = 'new' "
        "order by risk_score desc nulls last, alert_id limit 1",
        [district],
    ).item()


def _republish_as_built(settings) -> None:
    """What a rebuild does to what the app reads: the register merged again from the same
    candidates, and a new published file (renamed into place) whose alerts table carries
    the statuses of the build — here the worst case, a file built before the action."""
    candidates = duckdb.connect(str(settings.duckdb_path), read_only=True)
    frame = pl.from_arrow(candidates.execute("select * from alert_candidates").to_arrow_table())
    candidates.close()
    store.update_register(settings, frame)
    fresh = settings.duckdb_path.with_suffix(".next")
    shutil.copyfile(settings.duckdb_path, fresh)
    with duckdb.connect(str(fresh)) as con:
        con.execute("update alerts set status = 'new'")
    os.replace(fresh, settings.duckdb_path)


def test_acknowledged_in_the_app_stays_acknowledged_after_a_rebuild(app_env):
    district = app_env.districts[0]
    alert_id = _pick_new_alert(app_env, district)
    at = open_page(login(f"d{district}"), "alerts")
    at.selectbox(key="alert_choice").set_value(alert_id).run()
    at.radio[0].set_value("acknowledged")
    at.text_input[0].input("已电话核实")
    at.button(key="FormSubmitter:alert_action-提交").click().run()
    assert not at.exception
    assert store.status_of(app_env.settings, alert_id) == "acknowledged"
    cli_view = list_alerts(app_env.settings).filter(pl.col("alert_id") == alert_id)
    assert cli_view["status"].to_list() == ["acknowledged"]  # `skillwatch alerts` at once

    _republish_as_built(app_env.settings)
    shown = data.alerts(data.db_path(), ("district", district))
    assert shown.filter(pl.col("alert_id") == alert_id)["status"].to_list() == ["acknowledged"]
    at = open_page(login(f"d{district}"), "alerts")
    at.multiselect[3].set_value(["acknowledged"]).run()  # 状态
    assert at.dataframe[0].value["编号"].tolist().count(alert_id) == 1
    events = audit.read_events(app_env.settings)
    acted = events.filter((pl.col("event") == "alert_action") & (pl.col("what") == alert_id))
    assert acted["user"].to_list() == [f"d{district}"]


def test_auditor_reads_alerts_but_has_no_action(app_env):
    at = open_page(login("auditor"), "alerts")
    assert at.dataframe and not at.radio
    assert any("审计角色只读" in i.value for i in at.info)


def test_export_holds_exactly_the_filtered_rows_and_no_clear_personal_data(app_env):
    district = app_env.districts[1]
    day = app_env.sql(
        "select min(enrolled_on) d from fct_enrolments where district_code = ?", [district]
    ).item()
    upto = day + dt.timedelta(days=3)
    at = open_page(login("city"), "export")
    at.selectbox(key="export_table").set_value("fct_enrolments").run()
    at.multiselect(key="export_d").set_value([district]).run()
    at.date_input(key="export_from").set_value(day).run()
    at.date_input(key="export_to").set_value(upto).run()
    assert not at.exception
    expected = app_env.sql(
        "select enrolment_key from fct_enrolments where district_code = ? "
        "and enrolled_on between ? and ? order by enrolment_key",
        [district, day, upto],
    )["enrolment_key"].to_list()
    assert expected
    assert any(c.value == f"{len(expected)} 行" for c in at.caption)
    shown = at.dataframe[0].value
    assert sorted(shown["enrolment_key"]) == expected

    frame = data.extract(data.db_path(), ("city", None), "fct_enrolments", (district,), day, upto)
    csv = data.to_csv(frame).decode("utf-8-sig")
    xlsx = pl.read_excel(io.BytesIO(data.to_xlsx(frame)))
    assert sorted(pl.read_csv(io.StringIO(csv))["enrolment_key"]) == expected
    assert sorted(xlsx["enrolment_key"]) == expected
    clear = _clear_personal_values(app_env.landing)
    assert clear, "the landing should hold ID numbers and phones in clear"
    text = csv + xlsx.write_csv()
    assert not [v for v in clear if v in text]
    assert not ID_SHAPE.search(text) and not MOBILE_SHAPE.search(text)


def test_a_download_is_logged_with_its_filters_and_rows(app_env):
    from apps.streamlit import ui
    from pipelines.app_users import User

    user = User("city", "city")
    ui.log(user, "export", "fct_enrolments", {"districts": ["310104"], "format": "csv"}, 12)
    last = audit.read_events(app_env.settings).sort("event_at").tail(1).row(0, named=True)
    assert (last["event"], last["user"], last["what"], last["rows"]) == (
        "export", "city", "fct_enrolments", 12)  # fmt: skip
    assert '"310104"' in last["filters"]


def _riskiest_class_alert(db, key) -> tuple[dict, dict, list]:
    """The riskiest class-level alert with its evidence and camera frames."""
    alerts = data.alerts(db, key).filter(pl.col("class_id").is_not_null())
    alert = alerts.sort("risk_score", descending=True, nulls_last=True).row(0, named=True)
    evidence = data.alert_evidence(db, key, alert["class_id"])
    return alert, evidence, data.camera_thumbnails(evidence["class"]["camera_ids"].to_list())


def test_evidence_pack_is_self_contained_and_masked(app_env):
    from apps.streamlit import evidence as pack

    db, key = data.db_path(), ("city", None)
    alert, evidence, frames = _riskiest_class_alert(db, key)
    versions = pack.lake_versions(app_env.settings.lake)
    page = pack.evidence_html(alert, evidence, frames, data.publication(db, key), versions)
    assert alert["alert_id"] in page and alert["class_id"] in page
    assert "<script" not in page and 'src="http' not in page  # opens offline
    assert versions and all(name in page for name, _ in versions)
    assert "alert_register" in dict(versions)
    checkins = evidence["checkins"]
    if not checkins.is_empty():
        assert "<svg" in page
        assert checkins["id_number_masked"][0] in page
    assert page.count("data:image/jpeg;base64,") == len(frames)
    # photo ids are system numbers whose digits can take a phone's shape by chance
    for photo in checkins["photo_id"].drop_nulls().to_list():
        page = page.replace(photo, "")
    assert not ID_SHAPE.search(page) and not MOBILE_SHAPE.search(page)


def test_evidence_pack_prints_to_a_pdf_with_the_same_content(app_env):
    """The PDF is the HTML pack printed by headless Chromium: Chinese text extractable (a
    CJK font embedded, not boxes), the alert's identity in it, personal data only masked."""
    from pypdf import PdfReader

    from apps.streamlit import evidence as pack

    if pack.chromium() is None:
        if os.environ.get("CI"):
            raise RuntimeError("CI needs chromium (.ci/run installs it)")
        pytest.skip("Debian's chromium is not installed")
    db, key = data.db_path(), ("city", None)
    alert, evidence, frames = _riskiest_class_alert(db, key)
    page = pack.evidence_html(alert, evidence, frames, data.publication(db, key), [])
    pdf = pack.evidence_pdf(page)
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(p.extract_text() for p in reader.pages).replace("\n", " ")
    assert "预警证据包" in text and alert["class_id"] in text and alert["rule_code"] in text
    # Chromium embeds the CJK face as Type 3 glyphs: its name is on the font descriptor
    fonts = {
        str(font.get_object().get("/BaseFont") or descriptor.get_object().get("/FontName"))
        for p in reader.pages
        for font in (p["/Resources"].get_object().get("/Font") or {}).values()
        if (descriptor := font.get_object().get("/FontDescriptor")) is not None
    }
    assert any("CJK" in f or "Noto" in f for f in fonts), fonts
    checkins = evidence["checkins"]
    if not checkins.is_empty():
        assert checkins["id_number_masked"][0] in text.replace(" ", "")
    for photo in checkins["photo_id"].drop_nulls().to_list():
        text = text.replace(photo, "")
    assert not ID_SHAPE.search(text) and not MOBILE_SHAPE.search(text)


def test_evidence_pdf_without_a_browser_says_so(monkeypatch):
    from apps.streamlit import evidence as pack

    monkeypatch.setenv("SKILLWATCH_CHROMIUM", "/nonexistent/chromium")
    with pytest.raises(pack.PdfUnavailable, match="PDF"):
        pack.evidence_pdf("<html><body>x</body></html>")
