"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

PLAIN_PYTHON_DIRS = (Path(__file__).parent / "nlp",)


@pytest.fixture(autouse=True)
def _test_settings(request, tmp_path):
    """Each Django test stores uploads in its own folder, never in the developer's
    var/, and a fast password hasher keeps account fixtures cheap. The NLP tests are
    plain Python and must run without Django (`-p no:django`)."""
    if any(d in Path(request.node.path).parents for d in PLAIN_PYTHON_DIRS):
        yield
        return
    settings = request.getfixturevalue("settings")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield


@pytest.fixture
def people(db):
    from tests.people import make_people

    return make_people()


@pytest.fixture
def clients(people):
    from tests.people import client_for

    return {
        "alice": client_for(people.alice.user),
        "bob": client_for(people.bob.user),
        "charlie": client_for(people.charlie.user),
        "dave": client_for(people.dave.user),
        "anonymous": client_for(None),
    }
