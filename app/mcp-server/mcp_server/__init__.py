"""Taskora MCP server: the five task tools over MCP streamable HTTP at /mcp."""
