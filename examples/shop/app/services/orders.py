from fastapi import HTTPException
from sqlalchemy import text


class OrderNotFound(HTTPException):
    def __init__(self, order_id: int) -> None:
        super().__init__(status_code=404, detail=f"order {order_id} not found")


async def find_orders(session, customer: str):
    result = await session.execute(text(f"SELECT * FROM orders WHERE customer = '{customer}'"))
    return result.fetchall()
