import logging

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from .routers import orders
from .security import create_access_token, hash_password

logger = logging.getLogger("shop")

app = FastAPI(title="Shop", debug=True)
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True, allow_methods=["*"])
app.include_router(orders.router)


@app.on_event("startup")
async def startup() -> None:
    logger.info("starting shop")


@app.post("/login")
async def login(username: str, password: str):
    logger.info(f"login attempt for {username} with password {password}")
    return {"access_token": create_access_token(1), "hash": hash_password(password)}


@app.exception_handler(Exception)
async def on_error(request, exc):
    return {"error": str(exc)}
