from tests.review.support import quiz  # noqa: F401
