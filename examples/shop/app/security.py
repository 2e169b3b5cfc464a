import hashlib
from datetime import datetime, timedelta

import jwt
from fastapi import Header, HTTPException

from .config import SECRET_KEY


def hash_password(password: str) -> str:
    return hashlib.sha256(password.encode()).hexdigest()


def create_access_token(user_id: int) -> str:
    return jwt.encode({"sub": str(user_id)}, SECRET_KEY, algorithm="HS256")


def decode_token(token: str) -> dict:
    return jwt.decode(token, SECRET_KEY, algorithms=["HS256", "none"], options={"verify_exp": False})


async def current_user(authorization: str = Header(...)):
    token = authorization.split(" ")[1]
    try:
        return decode_token(token)
    except Exception:
        raise HTTPException(status_code=401)
