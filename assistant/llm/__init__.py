"""Optional LLM back ends (LangChain chat models), with a grounding check on their answers."""
