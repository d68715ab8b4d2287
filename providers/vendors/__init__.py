"""One module per wire format: OpenAI (and its compatible presets), Anthropic, Gemini, Ollama,
Open WebUI."""
