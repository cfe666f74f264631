"""The web app: chat, trainer packs, browsing and story sharing (Gradio on FastAPI).

Modules by concern: :mod:`cards` (escaped Markdown), :mod:`chat`, :mod:`trainer`,
:mod:`browse`, :mod:`share` (event handlers), :mod:`app` (the Blocks layout) and
:mod:`server` (FastAPI, ``/healthz``, uvicorn). Moderation is deliberately absent:
approving a shared story is only possible from the command line.
"""

import os

# The page runs on closed networks and public hosts alike: no usage reports to Gradio.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
