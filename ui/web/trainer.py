"""The trainer tab: a discussion pack from a theme or chosen legends, as Markdown.

The pack itself is built by :func:`ui.packs.build_pack`, shared with the JSON API and
the MCP server.
"""

from __future__ import annotations

from datetime import date

import gradio as gr
from gradio.processing_utils import save_bytes_to_cache
from gradio.utils import get_upload_folder

from assistant import Assistant
from corpus.schema import THEMES, Legend
from ui.packs import PackError, build_pack
from ui.web.access import Access, RateLimited
from ui.web.cards import neutralise_html
from ui.web.errors import refusal

SIGN_IN_NEEDED = "Sign in to use the trainer tools."
OFF_NOTICE = (
    "The trainer tools are available on this server only to signed-in trainers, and no "
    "trainer password is set. The person running the server can set "
    "`LEGENDS_ADMIN_PASSWORD` to turn them on."
)
SIGN_IN_NOTICE = "The trainer tools are for trainers: sign in with the trainer password."


def legend_choices(legends: dict[str, Legend]) -> list[tuple[str, str]]:
    """(label, id) pairs for the legend picker, by company."""
    ordered = sorted(legends.values(), key=lambda lg: (lg.company.casefold(), lg.title))
    return [(f"{lg.company} — {lg.title}", lg.id) for lg in ordered]


def theme_choices() -> list[tuple[str, str]]:
    """(label, theme) pairs; the empty value means 'no theme, use the chosen legends'."""
    return [("(none)", "")] + [(t.replace("-", " "), t) for t in THEMES]


class TrainerHandlers:
    """Builds packs with the process's Assistant (and its index)."""

    def __init__(self, assistant: Assistant, access: Access | None = None):
        self.assistant = assistant
        self.access = access or Access()

    def gate(self, signed_in: bool, request: gr.Request = None, problem: str = ""):
        """What the tab shows this visitor: (notice, sign-in form, workspace, sign-out)."""
        state = self.access.trainer_state(request)
        if state == "sign-in" and signed_in:
            state = "signed-in"
        notice = {"off": OFF_NOTICE, "sign-in": SIGN_IN_NOTICE}.get(state, "")
        if problem:
            notice = f"**{problem}** {notice}"
        return (
            gr.Markdown(notice, visible=bool(notice)),
            gr.Column(visible=state == "sign-in"),
            gr.Column(visible=state in ("open", "signed-in")),
            gr.Button(visible=state == "signed-in"),
        )

    def sign_in(self, password: str, request: gr.Request = None):
        """Check the password; return (signed_in, password box, *gate outputs).

        A wrong password or too many guesses is said in the tab's notice, and the box
        is emptied either way.
        """
        try:
            ok = self.access.sign_in(password, request)
            problem = "" if ok else "That password is not right."
        except RateLimited as error:
            ok, problem = False, str(error)
        return (ok, "", *self.gate(ok, request, problem))

    def sign_out(self, request: gr.Request = None):
        """Forget this session's sign-in."""
        return (False, *self.gate(False, request))

    def pack_markdown(self, theme: str | None, legend_ids: list[str] | None) -> str:
        """The pack's Markdown, or raise ``gr.Error`` saying what to pick."""
        try:
            return build_pack(self.assistant, theme or None, legend_ids).markdown
        except PackError as error:
            raise refusal(str(error)) from None

    def build(
        self,
        theme: str | None,
        legend_ids: list[str] | None,
        signed_in: bool = False,
        request: gr.Request = None,
    ):
        """Show the pack and offer it as a Markdown download (trainers only)."""
        # Checked here, not only by hiding the tab: the event can be called directly.
        if not self.access.trainer_allowed(signed_in, request):
            raise refusal(SIGN_IN_NEEDED)
        try:
            self.access.check("answer", request)
        except RateLimited as error:
            raise refusal(str(error)) from None
        markdown = self.pack_markdown(theme, legend_ids)
        name = f"discussion-pack-{theme or 'legends'}-{date.today().isoformat()}.md"
        header = "*Made with Service Legends; every story cites its source.*\n\n"
        # Written straight into Gradio's own file cache (where it serves downloads from),
        # so no pack leaves a folder of ours behind.
        data = (markdown + "\n\n" + header).encode("utf-8")
        cached = save_bytes_to_cache(data, name, get_upload_folder())
        return neutralise_html(markdown), gr.DownloadButton(value=cached, visible=True)
