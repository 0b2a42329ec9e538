"""A scripted chat model: LangChain's real structured-output path, with answers given in advance.

LangChain's stock fake chat models do not implement ``bind_tools``, so
``with_structured_output`` refuses them. This one binds tools like a provider model does and
answers each call with the next scripted ``AIMessage`` (usually one carrying a tool call), so
the real ``bind_tools`` → ``PydanticToolsParser`` chain runs. It records what it was sent::

    model = ScriptedChatModel(script=[tool_call_message("LlmPage", {"postings": []})])
    ...
    assert model.received[0][1].content.startswith("...")
    assert model.bound_tools[0][0]["function"]["name"] == "LlmPage"

A scripted ``Exception`` is raised instead of answering (a provider error).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import Field, SkipValidation


def tool_call_message(name: str, args: dict[str, Any], call_id: str = "call_1") -> AIMessage:
    """An assistant message that calls tool ``name`` with ``args`` (already parsed JSON)."""
    return AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": call_id}])


def raw_tool_call_message(name: str, arguments: str, call_id: str = "call_1") -> AIMessage:
    """A tool call as the provider sent it, arguments unparsed (possibly not JSON at all)."""
    raw = {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}
    return AIMessage(content="", additional_kwargs={"tool_calls": [raw]})


class ScriptedChatModel(BaseChatModel):
    """Answers call *n* with ``script[n]``; raises it when it is an exception."""

    # Not validated: pydantic would try each answer as an AIMessage, exceptions included.
    script: Annotated[list[AIMessage | Exception], SkipValidation()]
    received: list[list[BaseMessage]] = Field(default_factory=list)
    bound_tools: list[list[dict[str, Any]]] = Field(default_factory=list)
    bound_kwargs: list[dict[str, Any]] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: str | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        formatted = [convert_to_openai_tool(tool) for tool in tools]
        self.bound_tools.append(formatted)
        self.bound_kwargs.append({"tool_choice": tool_choice, **kwargs})
        return self.bind(tools=formatted, tool_choice=tool_choice, **kwargs)

    def _next(self, messages: list[BaseMessage]) -> ChatResult:
        self.received.append(list(messages))
        if len(self.received) > len(self.script):
            raise AssertionError(f"unscripted call #{len(self.received)}")
        answer = self.script[len(self.received) - 1]
        if isinstance(answer, Exception):
            raise answer
        return ChatResult(generations=[ChatGeneration(message=answer)])

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return self._next(messages)

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return self._next(messages)
