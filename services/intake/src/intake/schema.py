"""Intake's database schema: the declarative base of its tables, and of the shared mechanisms' tables
that live beside them (mechanisms.py)."""

from sqlalchemy.orm import DeclarativeBase

from common.db import schema_metadata


class Base(DeclarativeBase):
    metadata = schema_metadata("intake")
