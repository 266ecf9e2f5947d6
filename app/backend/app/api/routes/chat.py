"""The chat endpoint (stateless request cycle) and the read endpoints to resume a conversation."""
from __future__ import annotations

import logging

from fastapi import APIRouter, HTTPException, Request, status
from starlette.concurrency import run_in_threadpool
from sqlmodel import Session

from app import crud
from app.agent import run_agent
from app.agent.mcp_client import ToolServerUnavailable
from app.api.deps import DbDep, PathUser
from app.models import ChatIn, ChatOut, ConversationOut, MessageOut

router = APIRouter(prefix="/api/{user_id}", tags=["chat"])
log = logging.getLogger("taskora.chat")
HISTORY_LIMIT = 30
RETRY_AFTER_SECONDS = 5  # about the time an MCP server pod takes to come back


@router.post("/chat", response_model=ChatOut)
async def chat(body: ChatIn, user: PathUser, request: Request) -> ChatOut:
    engine = request.app.state.engine
    settings = request.app.state.settings
    user_id = user.id

    def prepare():
        with Session(engine, expire_on_commit=False) as s:
            # 1-2: the conversation (the caller's own) and its history from the database
            if body.conversation_id is None:
                conv = crud.create_conversation(s, user_id)
            else:
                conv = crud.get_conversation(s, user_id, body.conversation_id)
                if conv is None:
                    return None, None
            past = [{"role": m.role, "content": m.content}
                    for m in crud.history(s, user_id, conv.id, limit=HISTORY_LIMIT)]
            # 4: store the user's message before the agent runs
            crud.add_message(s, user_id, conv.id, "user", body.message)
            return conv.id, past

    conversation_id, past = await run_in_threadpool(prepare)
    if conversation_id is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"conversation {body.conversation_id} not found")

    # 3, 5, 6: model input = history + new message; the agent calls the MCP tools as this user
    try:
        answer, calls = await run_agent(settings, user_id, past, body.message)
    except ToolServerUnavailable as exc:
        log.error("tool server unavailable", extra={"fields": {"error": str(exc)}})
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE,
                            detail="assistant unavailable: its tool server cannot be reached; your tasks "
                                   "still work, try the chat again shortly",
                            headers={"Retry-After": str(RETRY_AFTER_SECONDS)})

    def store():
        with Session(engine, expire_on_commit=False) as s:
            crud.add_message(s, user_id, conversation_id, "assistant", answer, calls or None)

    await run_in_threadpool(store)  # 7
    return ChatOut(conversation_id=conversation_id, response=answer, tool_calls=calls)  # 8


@router.get("/conversations", response_model=list[ConversationOut])
def list_conversations(user: PathUser, db: DbDep):
    return [ConversationOut(id=c.id, created_at=c.created_at, updated_at=c.updated_at, title=t)
            for c, t in crud.list_conversations(db, user.id)]


@router.get("/conversations/{conversation_id}/messages", response_model=list[MessageOut])
def list_messages(conversation_id: int, user: PathUser, db: DbDep):
    if crud.get_conversation(db, user.id, conversation_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"conversation {conversation_id} not found")
    return crud.history(db, user.id, conversation_id)
