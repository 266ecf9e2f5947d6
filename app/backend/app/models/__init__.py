"""Tables (SQLModel) and the JSON shapes of the API."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any, Literal

import re

from pydantic import BaseModel, ConfigDict, Field as PField, field_validator
from sqlalchemy import Column, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _ts(**kw: Any) -> Any:
    return Field(default_factory=utcnow, sa_type=DateTime(timezone=True), nullable=False, **kw)


class User(SQLModel, table=True):
    __tablename__ = "users"
    id: str = Field(default_factory=lambda: str(uuid.uuid4()), primary_key=True, max_length=36)
    email: str = Field(sa_column=Column(String(320), unique=True, nullable=False))
    password_hash: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = _ts()


class Task(SQLModel, table=True):
    __tablename__ = "tasks"
    __table_args__ = (Index("ix_tasks_user_id_id", "user_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(sa_column=Column(String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False))
    title: str = Field(sa_column=Column(String(200), nullable=False))
    description: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    completed: bool = Field(default=False, nullable=False)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class Conversation(SQLModel, table=True):
    __tablename__ = "conversations"
    __table_args__ = (Index("ix_conversations_user_id_updated_at", "user_id", "updated_at"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(sa_column=Column(String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False))
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class Message(SQLModel, table=True):
    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_conversation_id_id", "conversation_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(sa_column=Column(String(36), ForeignKey("users.id", ondelete="CASCADE"), nullable=False))
    conversation_id: int = Field(
        sa_column=Column(ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False)
    )
    role: str = Field(sa_column=Column(String(16), nullable=False))
    content: str = Field(sa_column=Column(Text, nullable=False))
    # The MCP tools the assistant called for this answer (assistant messages only).
    tool_calls: list[dict[str, Any]] | None = Field(default=None, sa_column=Column(JSONB, nullable=True))
    created_at: datetime = _ts()


class RevokedToken(SQLModel, table=True):
    """Session JWTs ended by logout, kept until they would have expired anyway."""
    __tablename__ = "revoked_tokens"
    jti: str = Field(primary_key=True, max_length=64)
    expires_at: datetime = Field(sa_type=DateTime(timezone=True), nullable=False)


# ---- API shapes ---------------------------------------------------------------------------

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Credentials(BaseModel):
    email: str = PField(max_length=320)
    password: str = PField(min_length=8, max_length=256)

    @field_validator("email")
    @classmethod
    def _email(cls, v: str) -> str:
        v = v.strip().lower()
        if not EMAIL_RE.match(v):
            raise ValueError("email must look like name@example.com")
        return v


class LoginCredentials(BaseModel):
    email: str = PField(min_length=3, max_length=320)
    password: str = PField(min_length=1, max_length=256)


class UserOut(BaseModel):
    id: str
    email: str


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    user: UserOut


class TaskCreate(BaseModel):
    title: str = PField(min_length=1, max_length=200)
    description: str | None = PField(default=None, max_length=4000)

    @field_validator("title")
    @classmethod
    def _title(cls, v: str) -> str:
        v = v.strip()
        if not v:
            raise ValueError("title must not be blank")
        return v


class TaskUpdate(BaseModel):
    title: str | None = PField(default=None, min_length=1, max_length=200)
    description: str | None = PField(default=None, max_length=4000)
    completed: bool | None = None

    @field_validator("title")
    @classmethod
    def _title(cls, v: str | None) -> str | None:
        if v is None:
            return v
        v = v.strip()
        if not v:
            raise ValueError("title must not be blank")
        return v


class TaskOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    title: str
    description: str
    completed: bool
    created_at: datetime
    updated_at: datetime


class ChatIn(BaseModel):
    conversation_id: int | None = None
    message: str = PField(min_length=1, max_length=4000)


class ToolCallOut(BaseModel):
    tool: str
    arguments: dict[str, Any]
    result: Any = None
    error: str | None = None


class ChatOut(BaseModel):
    conversation_id: int
    response: str
    tool_calls: list[ToolCallOut]


class ConversationOut(BaseModel):
    id: int
    created_at: datetime
    updated_at: datetime
    title: str  # the first user message, shortened, for a conversation list


class MessageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    conversation_id: int
    role: str
    content: str
    tool_calls: list[dict[str, Any]] | None = None
    created_at: datetime
