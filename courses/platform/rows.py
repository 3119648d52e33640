"""Rows of plain values that pages show many of."""


class TemplateRow:
    """Values a template reads field by field, row after row.

    The template language looks a name up as a key before it tries an attribute (the order
    Django documents), so a plain object pays for a failed key lookup, an exception, on every
    field of every row a page shows. A row answers the key with the attribute of that name.
    """

    __slots__ = ()

    def __getitem__(self, name: str):
        return getattr(self, name)
