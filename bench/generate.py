"""Synthetic FastAPI projects of a given size, from templates shaped like real services.

A project is one package `app/` with a settings module (pydantic-settings BaseSettings), the application
(`app/main.py`, lifespan, middleware), API aggregation modules that `include_router` every feature router
with a prefix and router-level dependencies, and per feature: router (routes with path parameters, response
models, per-route dependencies), service, repository (SQLAlchemy 2 async session), models (declarative),
schemas (pydantic v2) and a test module. Beside it: Dockerfile, docker-compose, Kubernetes manifests,
pyproject.toml and .env.example. Variation (async/sync, auth or not, raw SQL, outbound HTTP calls, caching)
is drawn with a fixed seed, so the same size gives the same bytes.

    python -m bench.generate DEST --files 1000
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

PER_FEATURE = 7  # __init__, router, service, repository, models, schemas, tests/test_<feature>.py
FEATURES_PER_GROUP = 40

SETTINGS = '''\
from functools import lru_cache

from pydantic import Field, PostgresDsn, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_prefix="APP_", extra="ignore")

    environment: str = "production"
    debug: bool = False
    database_url: PostgresDsn = Field(default="postgresql+asyncpg://app@db:5432/app")
    secret_key: SecretStr
    allowed_origins: list[str] = ["https://app.example.com"]
    request_timeout_seconds: float = 10.0
    pool_size: int = 10
    redis_url: str = "redis://redis:6379/0"


@lru_cache
def get_settings() -> Settings:
    return Settings()
'''

DATABASE = '''\
from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase

from app.core.config import get_settings

settings = get_settings()
engine = create_async_engine(str(settings.database_url), pool_size=settings.pool_size, pool_pre_ping=True)
SessionLocal = async_sessionmaker(engine, expire_on_commit=False)


class Base(DeclarativeBase):
    pass


async def get_session() -> AsyncIterator[AsyncSession]:
    async with SessionLocal() as session:
        yield session
'''

DEPS = '''\
from typing import Annotated

from fastapi import Depends, HTTPException, Security, status
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.database import get_session

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token")
SessionDep = Annotated[AsyncSession, Depends(get_session)]


async def get_current_user(token: Annotated[str, Depends(oauth2_scheme)]) -> dict[str, str]:
    if not token:
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail="not authenticated")
    return {{"sub": token}}


async def require_admin(user: Annotated[dict[str, str], Security(get_current_user, scopes=["admin"])]) -> dict[str, str]:
    if user.get("role") != "admin":
        raise HTTPException(status_code=status.HTTP_403_FORBIDDEN, detail="forbidden")
    return user
'''.replace("{{", "{").replace("}}", "}")

MAIN = '''\
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app.api import {groups}
from app.core.config import get_settings
from app.core.database import engine

settings = get_settings()


@asynccontextmanager
async def lifespan(app: FastAPI):
    yield
    await engine.dispose()


app = FastAPI(title="synthetic", lifespan=lifespan, docs_url=None if settings.environment == "production" else "/docs")
app.add_middleware(CORSMiddleware, allow_origins=settings.allowed_origins, allow_methods=["GET", "POST"], allow_headers=["Authorization"])
{includes}


@app.get("/healthz", include_in_schema=False)
async def healthz() -> dict[str, str]:
    return {{"status": "ok"}}
'''

GROUP_HEAD = '''\
from fastapi import APIRouter, Depends

from app.api.deps import get_current_user, require_admin
'''

MODELS = '''\
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from app.core.database import Base


class {cls}(Base):
    __tablename__ = "{table}"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
'''

SCHEMAS = '''\
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class {cls}Create(BaseModel):
    name: str = Field(min_length=1, max_length=200)


class {cls}Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    created_at: datetime
'''

REPOSITORY = '''\
from sqlalchemy import select{text_import}
from sqlalchemy.ext.asyncio import AsyncSession

from .models import {cls}


class {cls}Repository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, item_id: int) -> {cls} | None:
        return await self.session.get({cls}, item_id)

    async def list(self, offset: int = 0, limit: int = 50) -> list[{cls}]:
        result = await self.session.execute(select({cls}).order_by({cls}.id).offset(offset).limit(limit))
        return list(result.scalars())

    async def add(self, item: {cls}) -> {cls}:
        self.session.add(item)
        await self.session.commit()
        await self.session.refresh(item)
        return item
{raw_sql}'''

RAW_SQL_SAFE = '''
    async def count_by_owner(self, owner_id: int) -> int:
        result = await self.session.execute(text("SELECT count(*) FROM {table} WHERE owner_id = :owner"), {{"owner": owner_id}})
        return int(result.scalar_one())
'''
RAW_SQL_UNSAFE = '''
    async def search(self, term: str) -> list[dict]:
        result = await self.session.execute(text(f"SELECT * FROM {table} WHERE name LIKE '%{{term}}%'"))
        return [dict(row) for row in result.mappings()]
'''

SERVICE = '''\
import logging
{http_import}
from .models import {cls}
from .repository import {cls}Repository
from .schemas import {cls}Create

logger = logging.getLogger(__name__)


class {cls}Service:
    def __init__(self, repository: {cls}Repository) -> None:
        self.repository = repository

    async def create(self, data: {cls}Create, owner_id: int) -> {cls}:
        item = await self.repository.add({cls}(name=data.name, owner_id=owner_id))
        logger.info("created {table} %s", item.id)
        return item

    async def find(self, item_id: int) -> {cls} | None:
        try:
            return await self.repository.get(item_id)
        except {exc} as exc:
            logger.exception("lookup failed: %s", exc)
            raise
{http_call}'''

HTTP_GOOD = '''
    async def notify(self, item_id: int) -> None:
        async with httpx.AsyncClient(timeout=5.0) as client:
            response = await client.post("https://hooks.example.com/{table}", json={{"id": item_id}})
            response.raise_for_status()
'''
HTTP_BAD = '''
    async def notify(self, item_id: int) -> None:
        response = httpx.post("https://hooks.example.com/{table}", json={{"id": item_id}})
        response.raise_for_status()
'''

ROUTER = '''\
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status

from app.api.deps import SessionDep, get_current_user, require_admin

from .repository import {cls}Repository
from .schemas import {cls}Create, {cls}Read
from .service import {cls}Service

router = APIRouter(tags=["{table}"])


def get_service(session: SessionDep) -> {cls}Service:
    return {cls}Service({cls}Repository(session))


ServiceDep = Annotated[{cls}Service, Depends(get_service)]


@router.get("/", response_model=list[{cls}Read])
async def list_{name}(service: ServiceDep, offset: int = Query(0, ge=0), limit: int = Query(50, le=200)):
    return await service.repository.list(offset, limit)


@router.get("/{{item_id}}", response_model={cls}Read)
{sync}def get_{name}(item_id: int, service: ServiceDep):
    item = {await_}service.find(item_id)
    if item is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="{table} not found")
    return item


@router.post("/", response_model={cls}Read, status_code=status.HTTP_201_CREATED{route_deps})
async def create_{name}(data: {cls}Create, service: ServiceDep, user: Annotated[dict, Depends(get_current_user)]):
    return await service.create(data, owner_id=int(user["sub"]))


@router.delete("/{{item_id}}", status_code=status.HTTP_204_NO_CONTENT{delete_deps})
async def delete_{name}(item_id: int, service: ServiceDep) -> None:
    item = await service.find(item_id)
    if item is None:
        raise HTTPException(status_code=404)
'''

TEST = '''\
import pytest
from httpx import ASGITransport, AsyncClient

from app.main import app


@pytest.fixture
async def client():
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as c:
        yield c


@pytest.mark.anyio
async def test_list_{name}(client: AsyncClient) -> None:
    response = await client.get("/api/v1/{table}/")
    assert response.status_code in (200, 401)


@pytest.mark.anyio
async def test_create_{name}_requires_auth(client: AsyncClient) -> None:
    response = await client.post("/api/v1/{table}/", json={{"name": "x"}})
    assert response.status_code == 401
'''

DOCKERFILE = '''\
FROM python:3.12-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /srv
COPY pyproject.toml ./
RUN pip install --no-cache-dir .
COPY app ./app
RUN useradd --create-home appuser
USER appuser
EXPOSE 8000
CMD ["gunicorn", "app.main:app", "-k", "uvicorn.workers.UvicornWorker", "--bind", "0.0.0.0:8000", "--workers", "4"]
'''

COMPOSE = '''\
services:
  api:
    build: .
    env_file: .env
    ports: ["8000:8000"]
    depends_on: [db, redis]
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: example
  redis:
    image: redis:7
'''

DEPLOYMENT = '''\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api-{i}
spec:
  replicas: 3
  selector:
    matchLabels: {{app: api-{i}}}
  template:
    metadata:
      labels: {{app: api-{i}}}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:1.{i}.0
          command: ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000", "--proxy-headers"]
          ports: [{{containerPort: 8000}}]
          resources:
            requests: {{cpu: 250m, memory: 256Mi}}
            limits: {{memory: 512Mi}}
          readinessProbe:
            httpGet: {{path: /healthz, port: 8000}}
          livenessProbe:
            httpGet: {{path: /healthz, port: 8000}}
          env:
            - name: APP_SECRET_KEY
              valueFrom:
                secretKeyRef: {{name: api, key: secret_key}}
---
apiVersion: v1
kind: Service
metadata:
  name: api-{i}
spec:
  selector: {{app: api-{i}}}
  ports: [{{port: 80, targetPort: 8000}}]
'''

PYPROJECT = '''\
[project]
name = "synthetic-service"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = [
  "fastapi==0.115.6",
  "uvicorn[standard]==0.32.1",
  "gunicorn==23.0.0",
  "pydantic==2.10.3",
  "pydantic-settings==2.6.1",
  "sqlalchemy[asyncio]==2.0.36",
  "asyncpg==0.30.0",
  "httpx==0.28.1",
]

[project.optional-dependencies]
dev = ["pytest==8.3.4", "anyio==4.7.0"]
'''

ENV_EXAMPLE = "APP_ENVIRONMENT=production\nAPP_DEBUG=false\nAPP_SECRET_KEY=change-me\nAPP_DATABASE_URL=postgresql+asyncpg://app@db:5432/app\n"

FIXED_FILES = 12  # settings, database, deps, main, 3 __init__, Dockerfile, compose, pyproject, .env.example, conftest


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def features_for(files: int) -> int:
    """Number of features so the project has about `files` files (groups and manifests included)."""
    n = max(1, (files - FIXED_FILES) // PER_FEATURE)
    while n > 1 and FIXED_FILES + n * PER_FEATURE + _groups(n) * 3 > files:
        n -= 1
    return n


def _groups(features: int) -> int:
    return (features + FEATURES_PER_GROUP - 1) // FEATURES_PER_GROUP


def generate(dest: Path, files: int, seed: int = 16) -> int:
    """Write a project of about `files` files under `dest` (which must not exist or be empty). Returns the count."""
    rnd = random.Random(seed)
    dest.mkdir(parents=True, exist_ok=True)
    n = features_for(files)
    groups = _groups(n)
    _write(dest / "app" / "__init__.py", "")
    _write(dest / "app" / "core" / "__init__.py", "")
    _write(dest / "app" / "core" / "config.py", SETTINGS)
    _write(dest / "app" / "core" / "database.py", DATABASE)
    _write(dest / "app" / "api" / "__init__.py", "")
    _write(dest / "app" / "api" / "deps.py", DEPS)
    _write(dest / "tests" / "conftest.py", 'import pytest\n\n\n@pytest.fixture\ndef anyio_backend() -> str:\n    return "asyncio"\n')
    for g in range(groups):
        lines = [GROUP_HEAD]
        members = range(g * FEATURES_PER_GROUP, min(n, (g + 1) * FEATURES_PER_GROUP))
        lines += [f"from app.features.f{k:05d}.router import router as f{k:05d}_router" for k in members]
        lines.append(f'\nrouter = APIRouter(prefix="/g{g}")\n')
        for k in members:
            deps = rnd.choice(["", ", dependencies=[Depends(get_current_user)]", ", dependencies=[Depends(require_admin)]"])
            lines.append(f'router.include_router(f{k:05d}_router, prefix="/f{k:05d}"{deps})')
        _write(dest / "app" / "api" / f"group_{g:03d}.py", "\n".join(lines) + "\n")
        _write(dest / "k8s" / f"api-{g:03d}.yaml", DEPLOYMENT.format(i=g))
        _write(dest / "app" / "api" / f"group_{g:03d}_health.py",
               f'from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get("/g{g}/ping")\ndef ping() -> str:\n    return "pong"\n')
    imports = ", ".join(f"group_{g:03d}" for g in range(groups))
    includes = "\n".join(f'app.include_router(group_{g:03d}.router, prefix="/api/v1")' for g in range(groups))
    _write(dest / "app" / "main.py", MAIN.format(groups=imports, includes=includes))
    for k in range(n):
        name = f"item{k:05d}"
        cls = f"Item{k:05d}"
        table = f"item_{k:05d}"
        pkg = dest / "app" / "features" / f"f{k:05d}"
        is_async = rnd.random() < 0.8
        raw = rnd.random()
        http = rnd.random()
        _write(pkg / "__init__.py", "")
        _write(pkg / "models.py", MODELS.format(cls=cls, table=table))
        _write(pkg / "schemas.py", SCHEMAS.format(cls=cls))
        _write(pkg / "repository.py", REPOSITORY.format(
            cls=cls, text_import=", text" if raw < 0.3 else "",
            raw_sql=(RAW_SQL_UNSAFE if raw < 0.03 else RAW_SQL_SAFE if raw < 0.3 else "").format(table=table)))
        _write(pkg / "service.py", SERVICE.format(
            cls=cls, table=table, exc=rnd.choice(["LookupError", "Exception", "ValueError"]),
            http_import="import httpx\n" if http < 0.4 else "",
            http_call=(HTTP_BAD if http < 0.05 else HTTP_GOOD if http < 0.4 else "").format(table=table)))
        _write(pkg / "router.py", ROUTER.format(
            cls=cls, table=table, name=name, sync="async " if is_async else "", await_="await " if is_async else "",
            route_deps=rnd.choice(["", ", dependencies=[Depends(get_current_user)]"]),
            delete_deps=rnd.choice(["", ", dependencies=[Depends(require_admin)]", ", dependencies=[Depends(require_admin)]"])))
        _write(dest / "tests" / "features" / f"test_{name}.py", TEST.format(name=name, table=table))
    _write(dest / "Dockerfile", DOCKERFILE)
    _write(dest / "docker-compose.yml", COMPOSE)
    _write(dest / "pyproject.toml", PYPROJECT)
    _write(dest / ".env.example", ENV_EXAMPLE)
    return sum(1 for p in dest.rglob("*") if p.is_file())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dest")
    ap.add_argument("--files", type=int, default=1000)
    args = ap.parse_args()
    count = generate(Path(args.dest), args.files)
    print(f"{count} files -> {args.dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
