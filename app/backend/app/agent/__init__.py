"""The assistant: picks the configured back end and runs it with the user's MCP tool session."""
from __future__ import annotations

from typing import Any

from app.agent.mcp_client import ToolSession
from app.core.config import Settings


async def run_agent(settings: Settings, user_id: str, history: list[dict[str, str]],
                    message: str) -> tuple[str, list[dict[str, Any]]]:
    """Returns (answer, tool calls). Raises ToolServerUnavailable when the MCP server is down."""
    async with ToolSession(settings.mcp_server_url, settings.mcp_service_token, user_id) as tools:
        if settings.agent_backend == "openai":
            from app.agent.openai_agent import OpenAIAgent
            answer = await OpenAIAgent(settings).run(tools, history, message)
        else:
            from app.agent.offline import OfflineAgent
            answer = await OfflineAgent().run(tools, history, message)
        return answer, tools.calls
