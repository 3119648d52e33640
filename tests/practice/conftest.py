import pytest

from courses.models import Rule
from tests.practice.support import CATALOGUE


@pytest.fixture
def catalogue(db):
    """The real rules catalogue in the database: the drill shows each rule's title and
    citation from it."""
    Rule.objects.bulk_create(
        Rule(
            slug=rule.id,
            title=rule.title,
            authority=rule.authority,
            citation=rule.citation,
            statement=rule.statement,
            source=rule.source,
            checked=rule.checked,
            binds=rule.binds,
            state=rule.state,
            position=position,
        )
        for position, rule in enumerate(CATALOGUE.values())
    )
