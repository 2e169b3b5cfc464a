import pytest
from fastapi.testclient import TestClient

from app.db import get_session
from app.main import app

app.dependency_overrides[get_session] = lambda: None


@pytest.fixture(scope="session")
def client():
    return TestClient(app)
