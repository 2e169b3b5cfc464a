import os

DATABASE_URL = os.getenv("DATABASE_URL", "postgresql://shop:shop@localhost/shop")
SECRET_KEY = "change-me-4f9a1c"
ACCESS_TOKEN_EXPIRE_MINUTES = 60 * 24 * 7
