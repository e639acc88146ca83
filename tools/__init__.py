"""Developer tools: code generation (``codegen.py``) and the live processes of ``live/``."""
