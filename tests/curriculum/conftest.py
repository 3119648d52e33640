"""The real curriculum, read from its files once per module: the tests over courses/content use
it (a module that builds its own curriculum in the database defines its own `curriculum`).
"""

from __future__ import annotations

import pytest

from courses.curriculum.loading import (
    CONTENT_ROOT,
    ContentInvalid,
    CourseSource,
    Curriculum,
    read_curriculum,
)


@pytest.fixture(scope="module")
def content() -> Curriculum:
    try:
        return read_curriculum()
    except ContentInvalid as error:
        problems = "\n".join(f"  {problem}" for problem in error.errors)
        pytest.fail(f"the curriculum in {CONTENT_ROOT} does not read:\n{problems}")


@pytest.fixture(scope="module")
def curriculum(content) -> list[CourseSource]:
    return content.courses


@pytest.fixture(scope="module")
def catalogue(content):
    return content.rules
