"""The ``local`` provider: GGUF models in-process with llama-cpp-python (optional extra).

Public API for the app: ``models.ModelStore`` (``list_models``, ``starter_model``,
``default_model``, ``find``, ``add_file``, ``set_default``), ``models.runtime_available`` and
``models.install_hint``; ``download.download_model`` with its ``Progress``; the provider class in
``provider``. Importing this package never imports llama_cpp.
"""
