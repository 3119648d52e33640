"""The people of a demo organisation: fictional names, accounts and team names."""

from __future__ import annotations

import random
from collections.abc import Iterator

# Fictional people: common first and last names, combined at random.
FIRST_NAMES = (
    "Aisha", "Alejandro", "Amara", "Andre", "Bianca", "Caleb", "Camila", "Chloe", "Daniel",
    "Deepa", "Diego", "Elena", "Emeka", "Erin", "Fatima", "Gabriel", "Grace", "Hannah", "Hiro",
    "Imani", "Ingrid", "Isaac", "Jasmine", "Jonah", "Julia", "Kai", "Keisha", "Kenji", "Laila",
    "Leo", "Lucia", "Marcus", "Maya", "Mei", "Miguel", "Nadia", "Nathan", "Nia", "Noah",
    "Olivia", "Omar", "Priya", "Rafael", "Rosa", "Ryan", "Samira", "Sean", "Sofia", "Tariq",
    "Tessa", "Theo", "Valeria", "Victor", "Wes", "Yara", "Yusuf", "Zoe", "Claire", "Ethan",
    "Bridget",
)  # fmt: skip
LAST_NAMES = (
    "Adeyemi", "Alvarez", "Andersen", "Baptiste", "Becker", "Bennett", "Brennan", "Castillo",
    "Cheung", "Coelho", "Dalton", "Delgado", "Dimitriou", "Dubois", "Ellison", "Farouk",
    "Fischer", "Gallagher", "Greenhalgh", "Haddad", "Halvorsen", "Hartley", "Ibarra", "Iyer",
    "Jansen", "Kapoor", "Kowalski", "Lindqvist", "Lozano", "MacLeod", "Mahmoud", "Marsh",
    "Moreau", "Moretti", "Nakashima", "Novak", "Okafor", "Okonkwo", "Parekh", "Petrov",
    "Quillen", "Ramirez", "Rasmussen", "Rosales", "Sandoval", "Schmidt", "Shah", "Sorensen",
    "Sullivan", "Tanaka", "Tolentino", "Tran", "Varga", "Vasquez", "Walmsley", "Whitaker",
    "Yilmaz", "Zhang", "Oyelaran", "Brandt",
)  # fmt: skip
CITIES = (
    "Atlanta", "Boston", "Charlotte", "Denver", "Austin", "Columbus", "Nashville", "Phoenix",
    "Portland", "Raleigh", "Tampa", "Omaha", "Richmond", "Madison", "Tucson", "Sacramento",
    "Pittsburgh", "Minneapolis", "Albany", "Boise", "Savannah", "Spokane", "Dayton", "Hartford",
)  # fmt: skip


def full_names(rng: random.Random, count: int) -> Iterator[tuple[str, str]]:
    """Full names, without repeats while the lists last."""
    seen = set()
    for _ in range(count):
        for _ in range(20):
            name = (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))
            if name not in seen:
                break
        seen.add(name)
        yield name


def team_name(index: int, prefix: str) -> str:
    city = CITIES[index % len(CITIES)]
    round_ = index // len(CITIES)
    return f"{city} desk{f' {round_ + 1}' if round_ else ''} ({prefix})"
