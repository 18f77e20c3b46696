"""Who may do what, for every URL the project serves.

The patterns come from the URL conf itself (get_resolver(), walked recursively), so a
new endpoint cannot escape: its path parameters are filled with ids of objects alice
owns and it is requested by six people with every method:

    alice      the patient who owns the records
    bob        the clinician alice granted access
    charlie    another patient
    dave       a clinician alice never granted
    staff      a Django superuser with no patient or clinician role
    anonymous  nobody signed in

Default rule (a pattern absent from SPECIAL):
    reads   API: alice, bob 200; charlie, dave, staff 404; anonymous 401
            pages: the same, but anonymous is sent to the login page
    writes  API: 405 for the signed in, 401 for anonymous;
            pages: 405, or exactly what GET answers (views that ignore the method),
            and in either case nothing in the database changes
    admin   everyone but staff is sent to the admin login; staff gets 200 on GET

A parameter the walker cannot fill fails the test, and so does an admin model it has
no object for: a new endpoint forces a decision here. Whatever the rule, no response
to charlie, dave, staff (outside the admin) or anonymous may contain a string only
alice's records hold, and they never change alice's data.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from records import selectors
from tests.security.conftest import CANARIES, build_world, stub_answer

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker, tmp_path_factory):
    """One world and one set of signed-in clients for the whole module, inside a
    transaction rolled back at its end; each test runs in a savepoint within it, and
    each matrix request in a savepoint of its own. Building them per test cost
    seconds."""
    from django.test.utils import override_settings

    import guidelines.services

    media = str(tmp_path_factory.mktemp("matrix-media"))
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as mp, \
            override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=hashers):
        mp.setattr(guidelines.services, "answer", stub_answer)
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            w = build_world()
            yield {"world": w, "clients": clients_for(w), "media": media}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def world(shared, _test_settings, db, settings, monkeypatch):
    import guidelines.services

    settings.MEDIA_ROOT = shared["media"]  # where the shared world's files are
    monkeypatch.setattr(guidelines.services, "answer", stub_answer)
    return shared["world"]

ROLES = ("alice", "bob", "charlie", "dave", "staff", "anonymous")
STRANGERS = ("charlie", "dave", "staff", "anonymous")
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
LOGIN, ADMIN_LOGIN, REDIRECT = "login", "admin-login", "redirect"


def roles(alice, bob, charlie, dave, staff, anonymous) -> dict:
    return dict(alice=alice, bob=bob, charlie=charlie, dave=dave, staff=staff,
                anonymous=anonymous)


def everyone(spec) -> dict:
    return dict.fromkeys(ROLES, spec)


API_READ = roles(200, 200, 404, 404, 404, 401)
PAGE_READ = roles(200, 200, 404, 404, 404, LOGIN)
API_NO_METHOD = roles(405, 405, 405, 405, 405, 401)
PAGE_NO_METHOD = roles(405, 405, 405, 405, 405, LOGIN)


@dataclass(frozen=True)
class Case:
    expect: dict  # role -> status code, a tuple of codes, LOGIN, ADMIN_LOGIN or REDIRECT
    writes: frozenset = frozenset()  # roles whose request must change the database
    query: str = ""  # "{patient}"-style placeholders are filled from the world's ids
    data: Callable | None = None  # world -> request body
    check: Callable | None = None  # (role, response body) -> None, extra assertions
    note: str = ""


def upload_body(w):
    return {"file": SimpleUploadedFile("new-report.txt", b"ER positive, PR negative"),
            "patient": w.alice.pk}


def stranger_sees_empty_list(role, body):
    if role in ("charlie", "dave", "staff"):
        import json

        data = json.loads(body)
        items = data.get("results", data) if isinstance(data, dict) else data
        assert items == [] or role == "charlie", f"{role} got {items!r}"


# The reviewed exceptions to the default rule, by URL name ("namespace:name"), or by
# route where a pattern has no name. "*" covers every method not listed.
SPECIAL: dict[str, dict[str, Case | list[Case]]] = {
    # --- the accounts pages are public by nature; they show no patient data
    "login": {"GET": Case(everyone(200)), "*": Case(everyone((200, 405)))},
    "logout": {"GET": Case(everyone(405)), "POST": Case(everyone(REDIRECT)),
               "*": Case(everyone(405))},
    "password_change": {"GET": Case(roles(200, 200, 200, 200, 200, LOGIN))},
    "password_change_done": {"GET": Case(roles(200, 200, 200, 200, 200, LOGIN))},
    "password_reset": {"GET": Case(everyone(200))},
    "password_reset_done": {"GET": Case(everyone(200))},
    "password_reset_confirm": {"GET": Case(everyone(200), note="a bad link: 'invalid'")},
    "password_reset_complete": {"GET": Case(everyone(200))},
    # --- the API description is public: it describes endpoints, holds no data
    "schema": {"GET": Case(everyone(200)), "*": Case(everyone(405))},
    "api-docs": {"GET": Case(everyone(200)), "*": Case(everyone(405))},
    # --- lists answer everyone signed in, with only what they may see
    "document-list": {
        "GET": [Case(roles(200, 200, 200, 200, 200, 401), check=stranger_sees_empty_list),
                Case(roles(200, 200, 200, 200, 200, 401), query="patient={patient}",
                     check=stranger_sees_empty_list)],
        "POST": Case(roles(201, 201, 404, 404, 404, 401), data=upload_body,
                     writes=frozenset({"alice", "bob"}),
                     note="upload into alice's record: alice and her clinician only"),
    },
    "document-detail": {
        "DELETE": Case(roles(204, 403, 404, 404, 404, 401), writes=frozenset({"alice"}),
                       note="only the patient deletes"),
    },
    "patient-list": {
        "GET": Case(roles(200, 200, 200, 200, 200, 401), check=stranger_sees_empty_list),
    },
    "finding-reviews": {
        "GET": Case(API_NO_METHOD),
        "POST": Case(roles(403, 201, 404, 404, 404, 401), data=lambda w: {"action": "accept"},
                     writes=frozenset({"bob"}), note="only a granted clinician reviews"),
    },
    "patient-data": {
        "GET": Case(API_NO_METHOD),
        "DELETE": Case(roles(200, 403, 404, 404, 404, 401), writes=frozenset({"alice"}),
                       note="erasure of everything held about the patient: hers alone"),
    },
    "patient-questions": {
        "POST": Case(roles(201, 201, 404, 404, 404, 401),
                     data=lambda w: {"question": "What is HER2?"},
                     writes=frozenset({"alice", "bob"})),
    },
    "review-queue": {
        "GET": [Case(roles(200, 200, 200, 200, 200, 401), check=stranger_sees_empty_list),
                Case(roles(200, 200, 404, 404, 404, 401), query="patient={patient}")],
    },
    "review-stats": {
        "GET": Case(roles(200, 200, 200, 200, 200, 401), check=stranger_sees_empty_list),
    },
    # --- pages
    "frontend:home": {
        "GET": Case(roles(200, REDIRECT, 200, REDIRECT, 200, 200),
                    note="anonymous: the welcome page; clinicians: their home"),
    },
    "frontend:upload": {
        "GET": Case(PAGE_NO_METHOD),
        "POST": Case(roles(REDIRECT, 403, REDIRECT, 403, 403, LOGIN), data=upload_body,
                     writes=frozenset({"alice", "charlie"}),
                     note="a patient uploads into their own record only; the patient "
                          "field is ignored, so charlie's file lands in charlie's"),
    },
    "frontend:documents": {
        "GET": [Case(roles(200, 200, 200, 200, 200, LOGIN)),
                Case(PAGE_READ, query="patient={patient}")],
    },
    "frontend:document-delete": {
        "GET": Case(roles(200, 403, 404, 404, 404, LOGIN)),
        "POST": Case(roles(REDIRECT, 403, 404, 404, 404, LOGIN), writes=frozenset({"alice"})),
    },
    "frontend:profile": {
        "GET": Case(roles(200, REDIRECT, 200, REDIRECT, 404, LOGIN),
                    note="one's own profile; clinicians go to their home"),
    },
    "frontend:finding-flag": {
        "GET": Case(PAGE_NO_METHOD),
        "POST": Case(roles(REDIRECT, 403, 404, 404, 404, LOGIN),
                     data=lambda w: {"reason": "wrong"}, writes=frozenset({"alice"}),
                     note="only the patient flags"),
    },
    "frontend:ask": {
        "GET": [Case(roles(200, 200, 200, 200, 200, LOGIN)),
                Case(PAGE_READ, query="patient={patient}")],
        "POST": Case(PAGE_READ, query="patient={patient}",
                     data=lambda w: {"question": "What is HER2?"},
                     writes=frozenset({"alice", "bob"})),
    },
    "frontend:clinician": {"GET": Case(roles(403, 200, 403, 200, 403, LOGIN))},
    "frontend:review-queue": {
        "GET": [Case(roles(403, 200, 403, 200, 403, LOGIN)),
                Case(roles(403, 200, 403, 404, 403, LOGIN), query="patient={patient}")],
    },
    "frontend:review-stats": {"GET": Case(roles(403, 200, 403, 200, 403, LOGIN))},
    "frontend:review": {
        "GET": Case(roles(403, 200, 404, 404, 404, LOGIN)),
        "POST": Case(roles(403, REDIRECT, 404, 404, 404, LOGIN),
                     data=lambda w: {"action": "accept"}, writes=frozenset({"bob"}),
                     note="only a granted clinician reviews"),
    },
    "frontend:healthz": {"*": Case(everyone(200), note="liveness: public, no data")},
    # --- the admin: staff only. Staff see every record there, by design of the admin.
    "admin:login": {"GET": Case(roles(200, 200, 200, 200, REDIRECT, 200)),
                    "POST": Case(roles(200, 200, 200, 200, None, 200), note="form errors")},
    "admin:logout": {"GET": Case(roles(REDIRECT, REDIRECT, REDIRECT, REDIRECT, 405, REDIRECT)),
                     "POST": Case(roles(REDIRECT, REDIRECT, REDIRECT, REDIRECT, None, REDIRECT),
                                  note="non-staff are sent to the admin index, then its login")},
    "admin:autocomplete": {"GET": Case(roles(*[ADMIN_LOGIN] * 4, 403, ADMIN_LOGIN),
                                       note="refused without a valid field to complete")},
    "admin:view_on_site": {"GET": Case(roles(*[ADMIN_LOGIN] * 4, 404, ADMIN_LOGIN),
                                       note="no model has a public URL")},
    "admin/(?P<url>.*)$": {"GET": Case(roles(*[ADMIN_LOGIN] * 4, 404, ADMIN_LOGIN))},
    "admin:auditlog_logentry_add": {"GET": Case(roles(*[ADMIN_LOGIN] * 4, 403, ADMIN_LOGIN),
                                                note="the audit log cannot be written")},
    "admin:auditlog_logentry_delete": {"GET": Case(roles(*[ADMIN_LOGIN] * 4, 403, ADMIN_LOGIN),
                                                   note="the audit log cannot be erased")},
}
# django-axes records lockouts; they are written by the login, never by hand.
for _model in ("accessattempt", "accesslog", "accessfailurelog"):
    SPECIAL[f"admin:axes_{_model}_add"] = {
        "GET": Case(roles(*[ADMIN_LOGIN] * 4, 403, ADMIN_LOGIN))}
# The admin's object URLs without a name redirect staff to the change page.
for _model in ("auth/group", "auth/user", "authtoken/tokenproxy", "auditlog/logentry",
               "records/document", "records/patient", "records/clinician",
               "records/accessgrant", "records/page", "records/processingrun",
               "axes/accessattempt", "axes/accesslog", "axes/accessfailurelog"):
    SPECIAL[f"admin/{_model}/<path:object_id>/"] = {
        "GET": Case(roles(*[ADMIN_LOGIN] * 4, 302, ADMIN_LOGIN))}


# ------------------------------------------------------------------ the walker

@dataclass
class Endpoint:
    key: str  # qualified URL name, or the route when the pattern has none
    route: str
    chain: list  # the pattern objects from the root to the endpoint
    pattern: URLPattern
    admin: bool = field(default=False)


def _join(route1: str, route2: str) -> str:
    return route2 if not route1 else route1 + route2.removeprefix("^")


def walk(resolver=None, chain=(), route="", namespace=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        here = _join(route, str(p.pattern))
        if isinstance(p, URLResolver):
            ns = ":".join(x for x in (namespace, p.namespace) if x)
            yield from walk(p, (*chain, p), here, ns)
        else:
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield Endpoint(name or here, here, [*chain, p], p,
                           admin=here.startswith("admin/"))


ENDPOINTS = list(walk())


class CannotFill(Exception):
    pass


ADMIN_OBJECTS = {
    "records/document": lambda w: w.document.pk,
    "records/patient": lambda w: w.alice.pk,
    "records/clinician": lambda w: w.bob.pk,
    "records/accessgrant": lambda w: w.grant.pk,
    "records/page": lambda w: w.page.pk,
    "records/processingrun": lambda w: w.run.pk,
    "auth/user": lambda w: w.alice.user.pk,
    "auth/group": lambda w: w.group.pk,
    "authtoken/tokenproxy": lambda w: w.alice.user.pk,
    "auditlog/logentry": lambda w: w.log_entry.pk,
    "axes/accessattempt": lambda w: _axes_row("AccessAttempt", failures_since_start=1,
                                              get_data="", post_data=""),
    "axes/accesslog": lambda w: _axes_row("AccessLog"),
    "axes/accessfailurelog": lambda w: _axes_row("AccessFailureLog"),
}


def _axes_row(model: str, **fields) -> int:
    """A login-lockout record about alice (django-axes keeps them; staff read them)."""
    from django.apps import apps

    row = apps.get_model("axes", model).objects.create(
        username="alice@example.org", ip_address="127.0.0.1", user_agent="test",
        http_accept="*/*", path_info="/accounts/login/", **fields)
    return row.pk


def param_value(name: str, ep: Endpoint, w) -> str:
    """An id of alice's for a path parameter; CannotFill when the walker has no rule."""
    plain = {
        "patient_id": w.alice.pk,
        "document_id": w.document.pk,
        "finding_id": w.finding.pk,
        "question_id": w.question.pk,
        "uidb64": "MQ",
        "token": "not-a-real-token",
        "content_type_id": _content_type_id(w.document),
        "app_label": "records",
        "url": "no-such-admin-page/",
    }
    if name in plain:
        return str(plain[name])
    if name == "pk" and ep.key.startswith("document-"):
        return str(w.document.pk)
    if name == "pk" and ep.key.startswith("patient-"):
        return str(w.alice.pk)
    if name in ("object_id", "id") and ep.admin:
        if ep.key == "admin:view_on_site":
            return str(w.document.pk)
        model = "/".join(ep.route.split("/")[1:3])
        if model not in ADMIN_OBJECTS:
            raise CannotFill(f"no object for the admin model {model}: add it to ADMIN_OBJECTS")
        return str(ADMIN_OBJECTS[model](w))
    raise CannotFill(f"{ep.route}: no value for the path parameter {name!r}")


def _content_type_id(obj) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


_ROUTE_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(\w+)>[^()]*\)")


def fill(ep: Endpoint, w) -> str:
    parts = []
    for p in ep.chain:
        pat = p.pattern
        if isinstance(pat, RoutePattern):
            parts.append(_ROUTE_PARAM.sub(lambda m: param_value(m.group(2), ep, w), str(pat)))
        elif isinstance(pat, RegexPattern):
            text = str(pat).removeprefix("^").removesuffix("$")
            text = _REGEX_GROUP.sub(lambda m: param_value(m.group(1), ep, w), text)
            text = text.replace("/?", "/")
            if re.search(r"[\^$()\[\]?*+|\\{}]", text):
                raise CannotFill(f"{ep.route}: cannot turn the regex into a path ({text})")
            parts.append(text)
        else:
            raise CannotFill(f"{ep.route}: unknown pattern type {type(pat).__name__}")
    path = "/" + "".join(parts)
    match = resolve(path)
    if match.func is not ep.pattern.callback or match.route != ep.route:
        raise CannotFill(f"{path} resolves to {match.route}, not {ep.route}")
    return path


# ------------------------------------------------------------------ requests

def clients_for(w) -> dict[str, tuple[Client, APIClient]]:
    """(page client with a session, API client with a token) per role."""
    users = {"alice": w.alice.user, "bob": w.bob.user, "charlie": w.charlie.user,
             "dave": w.dave.user, "staff": w.staff, "anonymous": None}
    out = {}
    for role, user in users.items():
        web, api = Client(), APIClient()
        if user is not None:
            web.force_login(user)
            token, _ = Token.objects.get_or_create(user=user)
            api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        out[role] = (web, api)
    return out


def fingerprint(w) -> tuple[tuple, tuple]:
    """(alice's data, everything) as row counts and change marks, in one query."""
    a, d = w.alice.pk, w.alice.user.pk
    alice_sql = f"""
        (SELECT count(*) FROM records_document WHERE patient_id = {a}),
        (SELECT coalesce(max(updated_at)::text, '') FROM records_document
           WHERE patient_id = {a}),
        (SELECT count(*) FROM records_finding f JOIN records_document x
           ON f.document_id = x.id WHERE x.patient_id = {a}),
        (SELECT count(*) FROM records_review r JOIN records_finding f ON r.finding_id = f.id
           JOIN records_document x ON f.document_id = x.id WHERE x.patient_id = {a}),
        (SELECT count(*) FROM guidelines_question WHERE patient_id = {a}),
        (SELECT count(*) FROM records_accessgrant WHERE patient_id = {a}
           AND revoked_at IS NULL),
        (SELECT password || is_active::text || email FROM auth_user WHERE id = {d})
    """
    all_sql = """
        (SELECT count(*) FROM records_document), (SELECT count(*) FROM records_finding),
        (SELECT count(*) FROM records_review), (SELECT count(*) FROM guidelines_question),
        (SELECT count(*) FROM records_accessgrant), (SELECT count(*) FROM records_patient),
        (SELECT count(*) FROM records_clinician), (SELECT count(*) FROM auth_user),
        (SELECT count(*) FROM auth_group), (SELECT count(*) FROM records_page)
    """
    if connection.vendor == "sqlite":
        alice_sql = alice_sql.replace("::text", "").replace("is_active", "is_active")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {alice_sql}")
        alice_part = cursor.fetchone()
        cursor.execute(f"SELECT {all_sql}")
        return alice_part, cursor.fetchone()


def outcome_ok(response, spec) -> bool:
    status = response.status_code
    location = response.get("Location", "")
    if isinstance(spec, tuple):
        return any(outcome_ok(response, s) for s in spec)
    if spec == LOGIN:
        return status == 302 and location.startswith("/accounts/login/")
    if spec == ADMIN_LOGIN:
        return status == 302 and location.startswith("/admin/login/")
    if spec == REDIRECT:
        return status == 302 and "/login/" not in location
    return status == spec


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        # The test client closes the response when the iterator ends; closing it twice
        # would fire request_finished and close the test's database connection.
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", errors="replace")


def cases_for(ep: Endpoint, method: str, role: str) -> list[Case]:
    special = SPECIAL.get(ep.key, {})
    found = special.get(method) or special.get("*")
    if found is not None:
        return found if isinstance(found, list) else [found]
    if ep.admin:
        return [Case(roles(*[ADMIN_LOGIN] * 4, 200 if method == "GET" else None,
                           ADMIN_LOGIN))]
    api = ep.route.startswith("api/")
    if method == "GET":
        return [Case(API_READ if api else PAGE_READ)]
    if api:
        return [Case(API_NO_METHOD)]
    # A page view may ignore the method: then it must answer as GET does, and write nothing.
    gets = cases_for(ep, "GET", role)
    return [Case({r: (405, gets[0].expect[r]) for r in ROLES})]


ADMIN_WRITE_VIEWS = re.compile(r"_(add|change|delete)$|^admin:log(in|out)$")


def methods_for(ep: Endpoint, role: str) -> tuple[str, ...]:
    if ep.admin:
        # Staff writing through the admin is Django's code; strangers must bounce off
        # every view that writes (the admin guards all its views with one wrapper).
        writes = role != "staff" and ADMIN_WRITE_VIEWS.search(ep.key)
        return ("GET", "POST") if writes else ("GET",)
    return ("GET", *WRITE_METHODS)


def request(client, method: str, path: str, data, api: bool):
    call = getattr(client, method.lower())
    if data is None:
        return call(path)
    if api and method != "GET":
        return call(path, data, format="multipart")
    return call(path, data)


@pytest.mark.parametrize("ep", ENDPOINTS, ids=[e.key for e in ENDPOINTS])
def test_every_endpoint_answers_each_person_as_the_table_says(ep, world, shared, matrix_tally):
    path = fill(ep, world)  # CannotFill fails the test: a new parameter needs a rule
    clients = shared["clients"]
    ids = {"patient": world.alice.pk, "document": world.document.pk}
    failures = []
    for role in ROLES:
        web, api_client = clients[role]
        use_api = ep.route.startswith("api/") and ep.key not in ("schema", "api-docs")
        client = api_client if use_api else web
        for method in methods_for(ep, role):
            for case in cases_for(ep, method, role):
                spec = case.expect[role]
                url = path + ("?" + case.query.format(**ids) if case.query else "")
                data = case.data(world) if case.data else None
                sid = transaction.savepoint()
                cookies = copy.deepcopy(client.cookies)  # a logout must not log out the rest
                before = fingerprint(world) if method != "GET" else None
                try:
                    response = request(client, method, url, data, use_api)
                    body = body_of(response)
                    after = fingerprint(world) if method != "GET" else None
                finally:
                    transaction.savepoint_rollback(sid)
                    client.cookies = cookies
                matrix_tally.add(ep.key, method + (f"?{case.query}" if case.query else ""),
                                 role, response.status_code)
                where = f"{method} {url} as {role}"
                if not outcome_ok(response, spec):
                    failures.append(f"{where}: {response.status_code} "
                                    f"{response.get('Location', '')}, expected {spec}")
                    continue
                if role in STRANGERS and not (ep.admin and role == "staff"):
                    leaked = [c for c in CANARIES if c in body]
                    if leaked:
                        failures.append(f"{where}: response holds alice's {leaked}")
                if case.check and response.status_code == 200:
                    try:
                        case.check(role, body)
                    except AssertionError as exc:
                        failures.append(f"{where}: {exc}")
                if before is not None:
                    changed = before != after
                    if changed != (role in case.writes):
                        failures.append(f"{where}: database {'changed' if changed else 'unchanged'}"
                                        f", expected {'a' if role in case.writes else 'no'} write")
                    if role in STRANGERS and before[0] != after[0]:
                        failures.append(f"{where}: changed alice's data")
    assert not failures, "\n".join(failures)


# ------------------------------------------------------------------ the table itself

def test_the_table_names_only_live_endpoints():
    """A stale entry (an endpoint renamed or removed) must not linger unreviewed."""
    live = {e.key for e in ENDPOINTS}
    assert set(SPECIAL) <= live, sorted(set(SPECIAL) - live)


def test_the_walker_sees_every_app():
    routes = [e.route for e in ENDPOINTS]
    for prefix in ("api/documents", "api/patients/<int:patient_id>/questions/", "admin/",
                   "accounts/login/", "findings/<int:finding_id>/flag/", "healthz"):
        assert any(r.startswith(prefix) or prefix in r for r in routes), prefix
    assert len(ENDPOINTS) >= 100


def test_an_unknown_parameter_cannot_be_filled(world):
    from django.urls import path as make_path

    fake = make_path("api/things/<int:thing_id>/", lambda r, thing_id: None, name="thing")
    ep = Endpoint("thing", "api/things/<int:thing_id>/", [fake], fake)
    with pytest.raises(CannotFill):
        fill(ep, world)


def test_csrf_protects_page_writes(world):
    """The matrix uses Django's test client, which skips CSRF; a real browser form
    without the token is refused before any view logic runs."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.alice.user)
    before = fingerprint(world)
    response = client.post(f"/documents/{world.document.pk}/delete/")
    assert response.status_code == 403
    assert client.post(f"/findings/{world.finding.pk}/flag/").status_code == 403
    assert fingerprint(world) == before


def test_session_authenticated_api_write_needs_csrf(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.alice.user)
    response = client.delete(f"/api/documents/{world.document.pk}/")
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    assert type(world.document).objects.filter(pk=world.document.pk).exists()


def test_api_flag_is_the_patients_alone(world):
    clients = clients_for(world)
    url = f"/api/findings/{world.finding.pk}/reviews/"
    assert clients["bob"][1].post(url, {"action": "flag"}, format="json").status_code == 403
    assert clients["alice"][1].post(url, {"action": "flag", "reason": "x"},
                                    format="json").status_code == 201


def test_revoked_grant_closes_every_patient_endpoint(world):
    from records import services

    services.revoke_access(world.alice, world.bob)
    api = clients_for(world)["bob"][1]
    for path in (f"/api/patients/{world.alice.pk}/", f"/api/patients/{world.alice.pk}/profile/",
                 f"/api/documents/{world.document.pk}/", f"/api/findings/{world.finding.pk}/",
                 f"/api/patients/{world.alice.pk}/questions/"):
        assert api.get(path).status_code == 404, path


# ------------------------------------------------------------------ selectors

def _selector_querysets(user) -> dict:
    from records import reviews

    return {
        "patients_visible_to": selectors.patients_visible_to(user),
        "documents_visible_to": selectors.documents_visible_to(user),
        "findings_visible_to": reviews.findings_visible_to(user),
    }


def test_every_selector_is_covered_here():
    """A new function in records.selectors must be added to these tests."""
    import inspect

    public = {n for n, f in inspect.getmembers(selectors, inspect.isfunction)
              if f.__module__ == selectors.__name__ and not n.startswith("_")}
    assert public == {"patients_visible_to", "documents_visible_to", "get_document_for",
                      "get_patient_for", "own_patient", "is_owner"}


@pytest.mark.parametrize("who", ["charlie", "dave", "staff", "anonymous"])
def test_selectors_return_nothing_of_alices_to_a_stranger(world, who):
    from django.http import Http404

    from records import reviews

    user = {"charlie": world.charlie.user, "dave": world.dave.user, "staff": world.staff,
            "anonymous": AnonymousUser()}[who]
    sets = _selector_querysets(user)
    assert not sets["patients_visible_to"].filter(pk=world.alice.pk).exists()
    assert not sets["documents_visible_to"].filter(pk=world.document.pk).exists()
    assert not sets["findings_visible_to"].filter(pk=world.finding.pk).exists()
    assert set(sets["patients_visible_to"]) <= {world.charlie}
    assert not sets["documents_visible_to"].exists()
    with pytest.raises(Http404):
        selectors.get_document_for(user, world.document.pk)
    with pytest.raises(Http404):
        selectors.get_patient_for(user, world.alice.pk)
    with pytest.raises(Http404):
        reviews.get_finding_for(user, world.finding.pk)
    own = selectors.own_patient(user)
    assert own is None or own.pk != world.alice.pk
    assert not selectors.is_owner(user, world.alice)


def test_selectors_for_a_user_with_no_relation_are_empty(world):
    from django.contrib.auth import get_user_model

    loner = get_user_model().objects.create_user("loner@example.org", "loner@example.org", "x")
    for name, qs in _selector_querysets(loner).items():
        assert qs.count() == 0, name
    assert selectors.own_patient(loner) is None


def test_selectors_scope_owner_and_granted_clinician(world):
    for user in (world.alice.user, world.bob.user):
        sets = _selector_querysets(user)
        assert list(sets["patients_visible_to"]) == [world.alice]
        assert list(sets["documents_visible_to"]) == [world.document]
        assert sets["findings_visible_to"].count() == 3
    assert selectors.is_owner(world.alice.user, world.alice)
    assert not selectors.is_owner(world.bob.user, world.alice)


def test_selectors_compile_to_a_user_filter(world):
    """Each visible_to queryset's SQL names the asking user's id: none is unscoped."""
    for name, qs in _selector_querysets(world.dave.user).items():
        sql, params = qs.query.sql_with_params()
        assert world.dave.user.pk in params, f"{name} does not filter by the user: {sql}"
