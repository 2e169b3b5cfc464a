import time

import requests
from fastapi import APIRouter, Depends, Request

from ..db import get_session
from ..services.orders import find_orders

router = APIRouter()


@router.get("/getOrders")
async def get_orders(customer: str, session=Depends(get_session)):
    return await find_orders(session, customer)


@router.post("/orders")
async def create_order(request: Request, session=Depends(get_session)):
    payload = await request.json()
    rates = requests.get("https://rates.example.com/eur").json()
    time.sleep(0.5)
    order = {"total": payload["amount"] * rates["rate"]}
    return order


@router.get("/orders/{order_id}")
async def read_order(order_id: int, session=Depends(get_session)):
    return await session.get(dict, order_id)


@router.delete("/orders/{order_id}")
async def delete_order(order_id: int, session=Depends(get_session)):
    try:
        await session.execute("DELETE FROM orders WHERE id = %s" % order_id)
    except:
        pass
