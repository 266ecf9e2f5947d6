"""Database operations; routes stay thin and every query is scoped to one user."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete as sa_delete, func
from sqlmodel import Session, col, select

from app.models import Conversation, Message, RevokedToken, Task, TaskCreate, TaskUpdate, User, utcnow
from app.core.security import hash_password

# ---- users --------------------------------------------------------------------------------


def get_user_by_email(s: Session, email: str) -> User | None:
    return s.exec(select(User).where(User.email == email.strip().lower())).first()


def create_user(s: Session, email: str, password: str) -> User:
    user = User(email=email.strip().lower(), password_hash=hash_password(password))
    s.add(user)
    s.commit()
    s.refresh(user)
    return user


def revoke_token(s: Session, jti: str, expires_at: datetime) -> None:
    if s.get(RevokedToken, jti) is None:
        s.add(RevokedToken(jti=jti, expires_at=expires_at))
    s.exec(sa_delete(RevokedToken).where(col(RevokedToken.expires_at) < utcnow()))
    s.commit()


def is_revoked(s: Session, jti: str) -> bool:
    return s.get(RevokedToken, jti) is not None


# ---- tasks --------------------------------------------------------------------------------


def list_tasks(s: Session, user_id: str, status: str = "all") -> list[Task]:
    q = select(Task).where(Task.user_id == user_id)
    if status == "pending":
        q = q.where(col(Task.completed).is_(False))
    elif status == "completed":
        q = q.where(col(Task.completed).is_(True))
    return list(s.exec(q.order_by(col(Task.id))).all())


def get_task(s: Session, user_id: str, task_id: int) -> Task | None:
    return s.exec(select(Task).where(Task.user_id == user_id, Task.id == task_id)).first()


def create_task(s: Session, user_id: str, data: TaskCreate) -> Task:
    task = Task(user_id=user_id, title=data.title, description=data.description or "")
    s.add(task)
    s.commit()
    s.refresh(task)
    return task


def update_task(s: Session, task: Task, data: TaskUpdate) -> Task:
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    for k, v in changes.items():
        setattr(task, k, v)
    task.updated_at = utcnow()
    s.add(task)
    s.commit()
    s.refresh(task)
    return task


def toggle_task(s: Session, task: Task) -> Task:
    task.completed = not task.completed
    task.updated_at = utcnow()
    s.add(task)
    s.commit()
    s.refresh(task)
    return task


def delete_task(s: Session, task: Task) -> None:
    s.delete(task)
    s.commit()


# ---- conversations ------------------------------------------------------------------------


def get_conversation(s: Session, user_id: str, conversation_id: int) -> Conversation | None:
    return s.exec(
        select(Conversation).where(Conversation.user_id == user_id, Conversation.id == conversation_id)
    ).first()


def create_conversation(s: Session, user_id: str) -> Conversation:
    conv = Conversation(user_id=user_id)
    s.add(conv)
    s.commit()
    s.refresh(conv)
    return conv


def list_conversations(s: Session, user_id: str, limit: int = 50) -> list[tuple[Conversation, str]]:
    first_msg = (
        select(Message.content)
        .where(Message.conversation_id == Conversation.id, Message.role == "user")
        .order_by(col(Message.id))
        .limit(1)
        .correlate(Conversation)
        .scalar_subquery()
    )
    rows = s.exec(
        select(Conversation, first_msg)
        .where(Conversation.user_id == user_id)
        .order_by(col(Conversation.updated_at).desc(), col(Conversation.id).desc())
        .limit(limit)
    ).all()
    return [(c, (t or "")[:80]) for c, t in rows]


def history(s: Session, user_id: str, conversation_id: int, limit: int | None = None) -> list[Message]:
    q = select(Message).where(Message.user_id == user_id, Message.conversation_id == conversation_id)
    if limit:
        # the newest `limit` messages, returned oldest first
        rows = list(s.exec(q.order_by(col(Message.id).desc()).limit(limit)).all())
        return rows[::-1]
    return list(s.exec(q.order_by(col(Message.id))).all())


def add_message(
    s: Session, user_id: str, conversation_id: int, role: str, content: str,
    tool_calls: list[dict[str, Any]] | None = None,
) -> Message:
    msg = Message(user_id=user_id, conversation_id=conversation_id, role=role, content=content,
                  tool_calls=tool_calls)
    s.add(msg)
    conv = s.get(Conversation, conversation_id)
    if conv is not None:
        conv.updated_at = utcnow()
        s.add(conv)
    s.commit()
    s.refresh(msg)
    return msg


def count_users(s: Session) -> int:
    return s.exec(select(func.count()).select_from(User)).one()
