from fastapi.testclient import TestClient

from app.main import app


async def test_list_orders():
    client = TestClient(app)
    response = client.get("/getOrders", params={"customer": "ann"})
    assert response.status_code == 200
