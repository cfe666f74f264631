"""The share tab: a visitor's story goes to the moderation queue, never straight out."""

from __future__ import annotations

from ui.storage.submissions import InvalidSubmission, add_submission
from ui.web.cards import escape_user_text

INTRO = (
    "Seen or lived a moment of great (or awful) customer service? Tell us. "
    "A trainer reads every story before it can join the library: nothing you send is "
    "published automatically, and your name is only used to credit you."
)


def submit(story: str, company: str, name: str):
    """Queue the story; return (status message, story, company, name) for the form."""
    try:
        submission = add_submission(story, company, name)
    except InvalidSubmission as error:
        return f"**Not sent yet:** {error}", story, company, name
    thanks = f"Thank you, {escape_user_text(submission.name)}!" if submission.name else "Thank you!"
    message = (
        f"{thanks} Your story about {escape_user_text(submission.company)} is in the review "
        f"queue (number {submission.id}). A trainer will read it before it is published."
    )
    return message, "", "", ""
