"""The page: four tabs (Chat, Trainer, Browse, Share your story) as one ``gr.Blocks``.

Only what a visitor may do is wired here. The one documented API endpoint is
``/chat``; the page's own events are callable but left out of the API docs.
"""

from __future__ import annotations

import gradio as gr

from assistant import Assistant
from assistant.messages import MAX_MESSAGE_CHARS
from ui.web import browse, share
from ui.web.access import Access
from ui.web.browse import BrowseHandlers
from ui.web.cards import source_cards
from ui.web.chat import (
    ALL_THEMES,
    AUTO,
    EXAMPLES,
    MODE_CHOICES,
    THEME_CHOICES,
    ChatHandlers,
)
from ui.web.moderation import PICK_PROMPT, QUEUE_COLUMNS, ModerationHandlers
from ui.web.trainer import TrainerHandlers, legend_choices

TITLE = "Service Legends"
# System fonts only: a theme's web fonts would be fetched from the internet, which a
# closed network (or a privacy-minded visitor) does not allow.
SANS = ["ui-sans-serif", "system-ui", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"]
MONO = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"]
THEME = gr.themes.Soft(primary_hue="teal", font=SANS, font_mono=MONO)
CSS = """
#sources-panel { border-left: 1px solid var(--border-color-primary); padding-left: 12px; }
#trainer-sign-in { max-width: 420px; }
"""
# Page events: callable by the page (and clients), but only /chat is documented.
PAGE = {"api_visibility": "undocumented"}


def _example_text(event: gr.SelectData) -> str:
    """The clicked example question, put in the box and then sent."""
    return event.value["text"]


def _chat_tab(handlers: ChatHandlers) -> None:
    session = gr.State(None)
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(
                label="Conversation",
                show_label=False,
                height=540,
                sanitize_html=True,
                allow_tags=False,
                render_markdown=True,
                feedback_options=("Like", "Dislike"),
                examples=[{"text": example} for example in EXAMPLES],
                placeholder=(
                    "**Ask about a situation or a theme.** Every story comes with its source; "
                    "when nothing fits, I say so."
                ),
                buttons=["copy"],
                elem_id="chatbot",
            )
            with gr.Row():
                textbox = gr.Textbox(
                    show_label=False,
                    placeholder=f"Your question (up to {MAX_MESSAGE_CHARS:,} characters)",
                    lines=1,
                    max_lines=6,
                    scale=5,
                    elem_id="chat-input",
                    autofocus=True,
                )
                send = gr.Button("Send", variant="primary", scale=1, elem_id="chat-send")
            with gr.Row():
                mode = gr.Dropdown(
                    MODE_CHOICES,
                    value=AUTO,
                    label="Mode",
                    info="auto picks from your message",
                    elem_id="chat-mode",
                )
                theme = gr.Dropdown(
                    THEME_CHOICES, value=ALL_THEMES, label="Theme", elem_id="chat-theme"
                )
                clear = gr.Button("New conversation", variant="secondary")
        with gr.Column(scale=2, elem_id="sources-panel"):
            gr.Markdown("### Sources")
            sources = gr.Markdown(source_cards([]), elem_id="sources", max_height=640)

    inputs = [textbox, chatbot, session, mode, theme]
    outputs = [textbox, chatbot, sources, session]
    # One concurrency group for every way of sending, so the limit counts answers.
    events = {**PAGE, "concurrency_id": "chat", "show_progress": "hidden"}
    textbox.submit(handlers.respond, inputs, outputs, **events)
    send.click(handlers.respond, inputs, outputs, **events)
    chatbot.example_select(_example_text, None, textbox, **PAGE).then(
        handlers.respond, inputs, outputs, **events
    )
    chatbot.like(handlers.like, [session], None, **PAGE)
    clear.click(lambda: ("", [], source_cards([]), None), None, outputs, **PAGE)


def _trainer_tab(handlers: TrainerHandlers, moderation: ModerationHandlers, legends_picker_choices):
    signed_in = gr.State(False)
    # Hidden until the page load says what this visitor may see (see TrainerHandlers.gate).
    notice = gr.Markdown(visible=False, elem_id="trainer-notice")
    with gr.Column(visible=False, elem_id="trainer-sign-in") as sign_in_form:
        password = gr.Textbox(
            label="Trainer password", type="password", max_length=200, elem_id="trainer-password"
        )
        sign_in = gr.Button("Sign in", variant="primary", elem_id="trainer-sign-in-button")
    sign_out = gr.Button("Sign out", visible=False, size="sm", elem_id="trainer-sign-out")
    with gr.Column(visible=False, elem_id="trainer-workspace") as workspace, gr.Tabs():
        with gr.Tab("Discussion pack", id="trainer-pack"):
            picked = _trainer_workspace(handlers, legends_picker_choices, signed_in)
        with gr.Tab("Shared stories", id="trainer-stories"):
            opened = _moderation_panel(moderation, signed_in)
    gate = [notice, sign_in_form, workspace, sign_out]
    open_lists = {"fn": moderation.opened, "inputs": [signed_in], "outputs": opened,
                  "api_name": "moderation_open", **PAGE}  # fmt: skip
    for trigger in (sign_in.click, password.submit):
        trigger(handlers.sign_in, [password], [signed_in, password, *gate], **PAGE).then(
            **open_lists
        )
    sign_out.click(handlers.sign_out, None, [signed_in, *gate], **PAGE).then(**open_lists)
    return picked, signed_in, gate, open_lists


def _moderation_panel(handlers: ModerationHandlers, signed_in) -> list:
    """The story queue (pending first), one story in full with an editor, and ratings."""
    with gr.Row():
        summary = gr.Markdown(elem_id="moderation-summary")
        refresh = gr.Button("Refresh", size="sm", scale=0, elem_id="moderation-refresh")
    table = gr.Dataframe(
        headers=QUEUE_COLUMNS,
        datatype=["number", "str", "str", "str", "str", "str"],
        interactive=False,
        wrap=True,
        max_height=320,
        column_widths=["6%", "10%", "18%", "14%", "16%", "36%"],
        elem_id="moderation-queue",
    )
    selected = gr.State(None)
    detail = gr.Markdown(PICK_PROMPT, elem_id="moderation-detail")
    with gr.Group():
        with gr.Row():
            company = gr.Textbox(label="Company", max_lines=1, elem_id="moderation-company")
            title = gr.Textbox(
                label="Title",
                max_lines=1,
                placeholder="left empty: chosen from the story",
                elem_id="moderation-title",
            )
        story = gr.Textbox(
            label="Story (as it will be published)", lines=8, elem_id="moderation-story"
        )
    with gr.Row():
        approve = gr.Button(
            "Approve", variant="primary", interactive=False, elem_id="moderation-approve"
        )
        reason = gr.Textbox(
            show_label=False,
            placeholder="Reason for rejecting (kept with the decision)",
            max_lines=2,
            scale=3,
            elem_id="moderation-reason",
        )
        reject = gr.Button("Reject", variant="stop", interactive=False, elem_id="moderation-reject")
    status = gr.Markdown(elem_id="moderation-status")
    gr.Markdown("### Latest ratings")
    ratings = gr.Markdown(elem_id="moderation-ratings")

    lists = [table, summary, ratings]
    refresh.click(handlers.lists, [signed_in], lists, api_name="moderation_lists", **PAGE)
    table.select(
        handlers.show,
        [signed_in],
        [selected, detail, company, title, story, reason, approve, reject],
        api_name="moderation_show",
        **PAGE,
    )
    decided = [status, table, summary, ratings, detail, approve, reject]
    approve.click(
        handlers.approve,
        [selected, company, title, story, signed_in],
        decided,
        api_name="moderation_approve",
        **PAGE,
    )
    reject.click(
        handlers.reject,
        [selected, reason, signed_in],
        decided,
        api_name="moderation_reject",
        **PAGE,
    )
    return [table, summary, ratings, selected, detail, company, title, story, reason]


def _trainer_workspace(handlers: TrainerHandlers, legends_picker_choices, signed_in):
    gr.Markdown(
        "Build a **discussion pack** for a team meeting: pick a theme (the best-fitting "
        "legends are chosen for you) or pick up to five legends yourself. The pack has the "
        "stories with sources, discussion questions, a role-play and the key takeaway."
    )
    with gr.Row():
        theme = gr.Dropdown(
            [("(none)", "")] + THEME_CHOICES[1:], value="", label="Theme", elem_id="pack-theme"
        )
        picked = gr.Dropdown(
            legends_picker_choices,
            multiselect=True,
            max_choices=5,
            label="Or choose legends",
            elem_id="pack-legends",
        )
    build = gr.Button("Build discussion pack", variant="primary", elem_id="pack-build")
    download = gr.DownloadButton("Download as Markdown", visible=False, elem_id="pack-download")
    pack = gr.Markdown(elem_id="pack")
    build.click(handlers.build, [theme, picked, signed_in], [pack, download], **PAGE)
    return picked


def _browse_tab(handlers: BrowseHandlers):
    with gr.Row():
        text = gr.Textbox(
            label="Search", placeholder="words, company, id…", scale=3, elem_id="legend-search"
        )
        theme = gr.Dropdown(browse.theme_choices(), value=browse.ANY, label="Theme", scale=1)
        industry = gr.Dropdown(
            browse.industry_choices(), value=browse.ANY, label="Industry", scale=1
        )
    count = gr.Markdown(elem_id="legend-count")
    table = gr.Dataframe(
        headers=browse.COLUMNS,
        datatype="str",
        interactive=False,
        wrap=True,
        max_height=520,
        column_widths=["14%", "30%", "11%", "22%", "10%", "13%"],
        elem_id="legend-table",
    )
    detail = gr.Markdown(browse.PROMPT, elem_id="legend-detail")
    filters = [text, theme, industry]
    for control in filters:
        control.change(handlers.table, filters, [table, count], show_progress="hidden", **PAGE)
    table.select(handlers.show, None, detail, **PAGE)
    return table, count, filters


def _share_tab(access: Access) -> None:
    gr.Markdown(share.INTRO)
    story = gr.Textbox(
        label="What happened?",
        lines=8,
        max_length=5000,
        placeholder="What happened, what the company or its staff did, and how it ended.",
        elem_id="share-story",
    )
    with gr.Row():
        company = gr.Textbox(label="Company", elem_id="share-company")
        name = gr.Textbox(label="Your name (optional)", elem_id="share-name")
    send = gr.Button("Send for review", variant="primary", elem_id="share-send")
    status = gr.Markdown(elem_id="share-status")

    def submit(story: str, company: str, name: str, request: gr.Request):
        return share.submit(story, company, name, access, request)

    send.click(submit, [story, company, name], [status, story, company, name], **PAGE)


def build_blocks(assistant: Assistant, access: Access | None = None) -> gr.Blocks:
    """The whole page, bound to the process's one Assistant (and its index)."""
    access = access or Access()
    chat = ChatHandlers(assistant, access)
    trainer = TrainerHandlers(assistant, access)
    moderation = ModerationHandlers(assistant.index, access)
    browser = BrowseHandlers(assistant.index)
    with gr.Blocks(title=TITLE, analytics_enabled=False) as blocks:
        gr.Markdown(
            f"# {TITLE}\nCustomer-service legends retold with their lessons and sources: "
            "for agents mid-shift, trainers and the curious."
        )
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"):
                _chat_tab(chat)
            with gr.Tab("Trainer", id="trainer"):
                picked, signed_in, gate, open_lists = _trainer_tab(
                    trainer, moderation, legend_choices(assistant.index.legends)
                )
            with gr.Tab("Browse", id="browse"):
                table, count, filters = _browse_tab(browser)
            with gr.Tab("Share your story", id="share"):
                _share_tab(access)

        # The library can grow while the server runs (an approved story): refresh per visit.
        def refresh(request: gr.Request):
            picker = gr.Dropdown(choices=legend_choices(assistant.index.legends))
            return (*browser.table(), picker, *trainer.gate(False, request))

        blocks.load(refresh, None, [table, count, picked, *gate], **PAGE).then(**open_lists)
        gr.api(chat.api_chat, api_name="chat")
    return blocks
