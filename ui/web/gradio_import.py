"""Import Gradio without regenerating its type stubs.

Each time Gradio is imported, every component class (about 80) re-reads its own source
file, parses it and its ``.pyi`` stub, and renders a template to keep the stub current:
a convenience for Gradio's own developers that was about a third of the time
``import gradio`` took, and so of the server's start. :func:`skip_stub_generation`
swaps that step for a no-op as the module defining it loads; components are made
exactly as before, only the ``.pyi`` files are left as they are.
"""

from __future__ import annotations

import sys
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec, PathFinder

STUB_MODULE = "gradio.component_meta"


def _no_stub(*args, **kwargs) -> None:
    """Stands in for ``gradio.component_meta.create_or_modify_pyi``."""


class _StubSkipper(MetaPathFinder):
    """Finds ``gradio.component_meta`` as usual, and disables stub writing once loaded."""

    def find_spec(self, name: str, path=None, target=None) -> ModuleSpec | None:
        if name != STUB_MODULE:
            return None
        spec = PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        load = spec.loader.exec_module

        def exec_module(module) -> None:
            load(module)
            if hasattr(module, "create_or_modify_pyi"):
                module.create_or_modify_pyi = _no_stub

        spec.loader.exec_module = exec_module
        return spec


def skip_stub_generation() -> None:
    """Install the finder (before Gradio is first imported; later it changes nothing)."""
    if STUB_MODULE not in sys.modules and not any(
        isinstance(finder, _StubSkipper) for finder in sys.meta_path
    ):
        sys.meta_path.insert(0, _StubSkipper())
