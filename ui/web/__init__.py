"""The web app: chat, trainer packs, browsing and story sharing (Gradio on FastAPI).

Modules by concern: :mod:`cards` (escaped Markdown), :mod:`chat`, :mod:`trainer`,
:mod:`moderation` (trainers only), :mod:`browse`, :mod:`share` (event handlers),
:mod:`app` (the Blocks layout), :mod:`sessions` (lighter Gradio sessions) and
:mod:`server` (FastAPI, ``/healthz``, uvicorn). Approving a shared story from the page
is for signed-in trainers only: every moderation handler checks the sign-in itself.
"""

import os

from ui.web.gradio_import import skip_stub_generation

# The page runs on closed networks and public hosts alike: no usage reports to Gradio.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
skip_stub_generation()  # before anything here imports Gradio: a faster server start
