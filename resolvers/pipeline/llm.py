"""The configured chat model: any OpenAI-compatible endpoint, DeepSeek by default."""

from __future__ import annotations

from langchain_core.language_models.chat_models import BaseChatModel

DEFAULT_BASE_URL = "https://api.deepseek.com"
DEFAULT_MODEL = "deepseek-chat"


def chat_model_from_settings(
    api_key: str | None, base_url: str | None = None, model: str | None = None
) -> BaseChatModel | None:
    """None when no key is configured: the service then answers extractively."""
    if not api_key:
        return None
    from langchain_openai import ChatOpenAI
    from pydantic import SecretStr

    return ChatOpenAI(
        api_key=SecretStr(api_key),
        base_url=base_url or DEFAULT_BASE_URL,
        model=model or DEFAULT_MODEL,
        temperature=0.1,
        timeout=30,
        max_retries=1,
    )
