"""The live ClinicalTrials.gov v2 client, against a local stub server only (127.0.0.1,
random port). The canned answers follow the API's OpenAPI description (PagedStudies:
`studies[].protocolSection` with identification/status/design/conditions/arms/
eligibility/contactsLocations modules)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from guidelines.trials import ctgov, service
from guidelines.trials.snapshot import load_snapshot

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "trials" / \
    "sample_trials_her2pos_mbc_2026-01-05.json"

CANNED = {
    "totalCount": 2,
    "studies": [
        {"protocolSection": {
            "identificationModule": {"nctId": "NCT07000001",
                                     "briefTitle": "Novel HER2 ADC in HER2-positive Metastatic "
                                                   "Breast Cancer"},
            "statusModule": {"overallStatus": "RECRUITING",
                             "lastUpdatePostDateStruct": {"date": "2026-02-01", "type": "ACTUAL"}},
            "designModule": {"phases": ["PHASE2"]},
            "conditionsModule": {"conditions": ["HER2-positive Metastatic Breast Cancer"]},
            "armsInterventionsModule": {"interventions": [{"type": "DRUG", "name": "XYZ-101"}]},
            "eligibilityModule": {
                "eligibilityCriteria": "Inclusion Criteria:\n\n* HER2-positive unresectable or "
                    "metastatic breast cancer\n* Prior trastuzumab required\n* ECOG 0-1\n\n"
                    "Exclusion Criteria:\n\n* Prior treatment with trastuzumab deruxtecan "
                    "(T-DXd)\n* Active brain metastases",
                "sex": "ALL", "minimumAge": "18 Years"},
            "contactsLocationsModule": {"locations": [
                {"facility": "A", "city": "Boston", "country": "United States"},
                {"facility": "B", "city": "Toronto", "country": "Canada"}]}},
         "hasResults": False},
        {"protocolSection": {
            "identificationModule": {"nctId": "NCT07000002",
                                     "briefTitle": "KRAS G12C Inhibitor in Lung Cancer"},
            "statusModule": {"overallStatus": "RECRUITING"},
            "designModule": {"phases": ["PHASE1", "PHASE2"]},
            "conditionsModule": {"conditions": ["Non-small Cell Lung Cancer"]},
            "eligibilityModule": {"eligibilityCriteria": "Inclusion Criteria:\n\n* NSCLC",
                                  "sex": "ALL", "minimumAge": "18 Years"}},
         "hasResults": False},
        {"hasResults": False},   # no protocolSection: skipped
    ],
    "nextPageToken": "abracadabra",
}


class _Stub:
    def __init__(self):
        self.requests: list[tuple[str, dict]] = []
        self.mode = "ok"
        self.delay = 0.0
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server API)
                u = urlparse(self.path)
                stub.requests.append((u.path, parse_qs(u.query)))
                if stub.delay:
                    time.sleep(stub.delay)
                if stub.mode == "500":
                    body, code, ctype = b"internal error", 500, "text/plain"
                elif stub.mode == "garbage":
                    body, code, ctype = b"<html>not json</html>", 200, "text/html"
                else:
                    body, code, ctype = json.dumps(CANNED).encode(), 200, "application/json"
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/v2"
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def stub():
    s = _Stub()
    yield s
    s.close()


@pytest.fixture()
def live_env(monkeypatch, settings, stub):
    settings.CTGOV_LIVE = True
    settings.CTGOV_BASE_URL = stub.url
    snapshot = load_snapshot(FIXTURE)
    monkeypatch.setattr(service, "load_snapshot", lambda: snapshot)
    return stub


PROFILE = {"cancer_type": "breast", "her2_status": "positive", "er_status": "positive",
           "pr_status": "negative", "stage_group": "IV", "m_category": "M1",
           "metastatic_sites": ["liver"], "age": 48, "sex": "female",
           "treatments": [{"name": "trastuzumab", "kind": "drug", "status": "completed"},
                          {"name": "Enhertu", "kind": "drug", "status": "current"}]}


def test_search_sends_v2_query_parameters(stub):
    trials = ctgov.search_studies("breast cancer", "HER2-positive metastatic", page_size=20,
                                  url=stub.url)
    path, query = stub.requests[0]
    assert path == "/api/v2/studies"
    assert query["query.cond"] == ["breast cancer"]
    assert query["query.term"] == ["HER2-positive metastatic"]
    assert query["filter.overallStatus"] == ["RECRUITING"]
    assert query["pageSize"] == ["20"]
    fields = query["fields"][0].split("|")
    assert {"NCTId", "BriefTitle", "EligibilityCriteria", "OverallStatus"} <= set(fields)
    assert [t.nct_id for t in trials] == ["NCT07000001", "NCT07000002"]


def test_parses_protocol_section(stub):
    t = ctgov.search_studies(url=stub.url)[0]
    assert t.title.startswith("Novel HER2 ADC")
    assert t.status == "RECRUITING" and t.phases == ("Phase 2",) and t.phase == "Phase 2"
    assert t.interventions == ("XYZ-101",) and t.min_age == 18 and t.sex == "ALL"
    assert t.locations == "United States, Canada" and t.last_update == "2026-02-01"
    assert t.source == "live" and "Prior treatment with trastuzumab deruxtecan" in t.eligibility_text
    assert t.url == "https://clinicaltrials.gov/study/NCT07000001"


def test_live_match_uses_stub_and_screens_it(live_env):
    out = service.match_trials(PROFILE, limit=5)
    assert [t["nct_id"] for t in out] == ["NCT07000001"]       # the lung trial is ruled out
    first = out[0]
    assert first["source"] == "live" and "note" not in first
    assert any("trastuzumab deruxtecan" in c and "Enhertu" in c for c in first["concerns"])
    assert any("trastuzumab" in w for w in first["why"])
    _, query = live_env.requests[0]
    assert query["query.term"] == ["HER2-positive metastatic"]


@pytest.mark.parametrize("mode", ["500", "garbage"])
def test_http_error_falls_back_to_snapshot(live_env, mode):
    live_env.mode = mode
    report = service.match_trials_report(PROFILE, limit=3)
    assert report["source"] == "snapshot" and len(report["trials"]) == 3
    assert all(t["source"] == "snapshot" for t in report["trials"])
    assert report["notes"][0].startswith("Live ClinicalTrials.gov search unavailable")
    out = service.match_trials(PROFILE, limit=2)
    assert all(t["note"].startswith("Live ClinicalTrials.gov search unavailable") for t in out)
    assert live_env.requests   # the stub was really asked


def test_timeout_falls_back_to_snapshot(live_env, monkeypatch):
    monkeypatch.setattr(ctgov, "TIMEOUT_SECONDS", 0.3)
    live_env.delay = 1.5
    started = time.monotonic()
    report = service.match_trials_report(PROFILE, limit=2)
    assert time.monotonic() - started < 1.4
    assert report["source"] == "snapshot"
    assert "did not answer within 0.3 s" in report["notes"][0]


def test_unreachable_server_falls_back(settings):
    settings.CTGOV_BASE_URL = "http://127.0.0.1:9/api/v2"   # discard port: refused
    with pytest.raises(ctgov.CtgovError):
        ctgov.search_studies()


def test_live_is_off_by_default(monkeypatch, settings):
    assert settings.CTGOV_LIVE is False    # the project's default: the offline snapshot
    monkeypatch.setenv("CTGOV_LIVE", "1")
    assert ctgov.live_enabled() is False   # a Django setting wins over the environment
    settings.CTGOV_LIVE = True
    assert ctgov.live_enabled() is True
    del settings.CTGOV_LIVE               # no setting at all: the environment decides
    assert ctgov.live_enabled() is True
    monkeypatch.delenv("CTGOV_LIVE")
    assert ctgov.live_enabled() is False


def test_base_url_default_env_and_setting(monkeypatch, settings):
    monkeypatch.delenv("CTGOV_BASE_URL", raising=False)
    del settings.CTGOV_BASE_URL
    assert ctgov.base_url() == "https://clinicaltrials.gov/api/v2"
    monkeypatch.setenv("CTGOV_BASE_URL", "http://127.0.0.1:1234/api/v2/")
    assert ctgov.base_url() == "http://127.0.0.1:1234/api/v2"
    settings.CTGOV_BASE_URL = "http://127.0.0.1:5678/x"
    assert ctgov.base_url() == "http://127.0.0.1:5678/x"
