"""The share tab: a visitor's story goes to the moderation queue, never straight out."""

from __future__ import annotations

import logging

import gradio as gr

from ui.storage.database import StorageFull, StorageUnavailable
from ui.storage.submissions import InvalidSubmission, add_submission, validate
from ui.web.access import Access, RateLimited
from ui.web.cards import escape_user_text

log = logging.getLogger("legends.web")
STORE_DOWN = (
    "our story box is out of reach for a moment. Your story is still here: "
    "please try again in a minute."
)
STORE_FULL = (
    "our story box is full just now. Your story is still here: please try again later, "
    "or keep a copy of it."
)
INTRO = (
    "Seen or lived a moment of great (or awful) customer service? Tell us. "
    "A trainer reads every story before it can join the library: nothing you send is "
    "published automatically, and your name is only used to credit you."
)


def submit(story: str, company: str, name: str, access: Access, request: gr.Request | None = None):
    """Queue the story; return (status message, story, company, name) for the form."""
    try:
        validate(story, company, name)  # a rejected draft does not use up the allowance
        access.check("share", request)
        submission = add_submission(story, company, name)
    except (InvalidSubmission, RateLimited) as error:
        # The text stays in the form, so nothing the visitor typed is lost.
        return f"**Not sent yet:** {error}", story, company, name
    except StorageFull as error:
        log.warning("A shared story could not be stored: %s", error)  # one line, no traceback
        return f"**Not sent yet:** {STORE_FULL}", story, company, name
    except StorageUnavailable:
        log.exception("A shared story could not be stored")
        return f"**Not sent yet:** {STORE_DOWN}", story, company, name
    thanks = f"Thank you, {escape_user_text(submission.name)}!" if submission.name else "Thank you!"
    message = (
        f"{thanks} Your story about {escape_user_text(submission.company)} is in the review "
        f"queue (number {submission.id}). A trainer will read it before it is published."
    )
    return message, "", "", ""
