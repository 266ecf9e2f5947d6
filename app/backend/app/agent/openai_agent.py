"""The LLM back end: any OpenAI-compatible Chat Completions API (OpenAI, Groq, Gemini's
compatible endpoint, Ollama) with function calling. The MCP server's tool list becomes the
model's functions, minus `user_id`, which the backend injects on every call.
"""
from __future__ import annotations

import json
import logging
from typing import Any

import httpx

from app.agent.mcp_client import ToolError
from app.core.config import Settings
from app.core.http import SSL_CONTEXT

log = logging.getLogger("taskora.agent.openai")
MAX_ROUNDS = 6

SYSTEM_PROMPT = (
    "You are Taskora, an assistant that manages the user's to-do list with the given tools. "
    "Use list_tasks to find a task's id when the user names it by words; if several tasks or none "
    "match a request to delete, complete or change one, ask which one instead of guessing. Never "
    "delete all tasks at once. Keep answers short and say what you did."
)


class LLMUnavailable(Exception):
    """`public` is the one line a user may see (no URL, no body); `detail` goes to the log only."""

    def __init__(self, public: str, detail: str) -> None:
        super().__init__(public)
        self.public, self.detail = public, detail


def _simplify(prop: dict[str, Any]) -> dict[str, Any]:
    """Optional parameters come as anyOf [X, null]; some compatible APIs (Gemini's) reject that,
    and leaving the parameter out already means null. Titles are noise for a model."""
    prop = {k: v for k, v in prop.items() if k != "title"}
    alts = prop.get("anyOf")
    if isinstance(alts, list):
        non_null = [a for a in alts if a.get("type") != "null"]
        if len(non_null) == 1 and len(non_null) < len(alts):
            prop.pop("anyOf")
            prop = {**non_null[0], **prop}
            if prop.get("default", 0) is None:
                prop.pop("default")
    return prop


def tool_schemas(mcp_tools: list[Any]) -> list[dict[str, Any]]:
    out = []
    for t in mcp_tools:
        schema = json.loads(json.dumps(t.inputSchema or {"type": "object", "properties": {}}))
        schema.get("properties", {}).pop("user_id", None)
        schema["properties"] = {k: _simplify(v) for k, v in schema.get("properties", {}).items()}
        if "required" in schema:
            schema["required"] = [r for r in schema["required"] if r != "user_id"]
        schema.pop("title", None)
        out.append({"type": "function",
                    "function": {"name": t.name, "description": t.description or "", "parameters": schema}})
    return out


class OpenAIAgent:
    def __init__(self, settings: Settings) -> None:
        self.url = settings.llm_base_url.rstrip("/") + "/chat/completions"
        self.model = settings.llm_model
        self.headers = {"Authorization": f"Bearer {settings.llm_api_key}"} if settings.llm_api_key else {}
        self.timeout = settings.llm_timeout_seconds

    async def _complete(self, client: httpx.AsyncClient, messages, tools) -> dict[str, Any]:
        body = {"model": self.model, "messages": messages, "tools": tools, "tool_choice": "auto",
                "temperature": 0}
        try:
            r = await client.post(self.url, json=body, headers=self.headers)
        except httpx.TimeoutException as exc:
            raise LLMUnavailable("no answer in time", f"{type(exc).__name__} calling {self.url}: {exc}") from None
        except httpx.HTTPError as exc:
            raise LLMUnavailable("cannot be reached", f"{type(exc).__name__} calling {self.url}: {exc}") from None
        if r.status_code != 200:
            raise LLMUnavailable(f"HTTP {r.status_code}", f"HTTP {r.status_code} from {self.url}: {r.text}")
        try:
            return r.json()["choices"][0]["message"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise LLMUnavailable("unexpected answer", f"unexpected answer from {self.url}: {r.text}") from None

    async def run(self, tools, history: list[dict[str, str]], message: str) -> str:
        functions = tool_schemas(await tools.list_tools())
        names = {f["function"]["name"] for f in functions}
        messages: list[dict[str, Any]] = [{"role": "system", "content": SYSTEM_PROMPT}]
        messages += [{"role": m["role"], "content": m["content"]} for m in history]
        messages.append({"role": "user", "content": message})
        try:
            async with httpx.AsyncClient(timeout=self.timeout, verify=SSL_CONTEXT) as client:
                for _ in range(MAX_ROUNDS):
                    reply = await self._complete(client, messages, functions)
                    calls = reply.get("tool_calls") or []
                    if not calls:
                        return (reply.get("content") or "").strip() or "Done."
                    messages.append({"role": "assistant", "content": reply.get("content"), "tool_calls": calls})
                    for call in calls:
                        fn = call.get("function", {})
                        name = fn.get("name", "")
                        try:
                            args = json.loads(fn.get("arguments") or "{}")
                            if not isinstance(args, dict):
                                raise ValueError
                        except ValueError:
                            content = json.dumps({"error": "arguments were not a JSON object"})
                        else:
                            if name not in names:
                                content = json.dumps({"error": f"unknown tool {name}"})
                            else:
                                try:
                                    content = json.dumps(await tools.call(name, args))
                                except ToolError as exc:
                                    content = json.dumps({"error": str(exc)})
                        messages.append({"role": "tool", "tool_call_id": call.get("id", ""), "content": content})
                return "I stopped after too many tool calls; please try a simpler request."
        except LLMUnavailable as exc:
            # In full for the operator; the user (and the stored conversation) gets one line
            # without the model server's URL or its error body.
            log.error("LLM back end failed", extra={"fields": {"error": exc.detail}})
            return f"Sorry, the language model is unavailable right now ({exc.public}). Please try again later."
