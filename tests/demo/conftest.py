import pytest


@pytest.fixture(autouse=True)
def _rome_loaded(rome) -> None:
    """``seed_demo`` needs the ROME (employment demo data): every demo test has it."""
