"""Helpers shared by the ingestion tests: an empty library and tiny fixture files."""

from __future__ import annotations

import io
import json
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

# Invented stories for format tests (companies not in the packaged library).
STORY_A = (
    "Last winter a customer of Harbour Lights Bakery phoned in a panic because the cake for "
    "her daughter's birthday party had been ordered for the wrong day. The manager, Ruth, "
    "stayed after closing, baked a new cake herself and drove it across town that evening. "
    "The family sent the bakery a photo of the party, and Ruth pinned it above the till."
)
STORY_B = (
    "A traveller left his laptop in a taxi from Quayside Cabs on the way to the airport. The "
    "dispatcher tracked down the driver, who turned around, found the laptop on the back seat "
    "and raced to the terminal. He handed it over at the check-in desk ten minutes before the "
    "flight closed and refused to take a tip for the trip."
)


def make_pdf(path: Path, lines: list[str]) -> Path:
    """Write a one-page PDF whose text is ``lines`` (pypdf only, no extra dependency)."""
    writer = PdfWriter()
    page = writer.add_blank_page(612, 792)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )

    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = "BT /F1 11 Tf 14 TL 40 750 Td "
    ops += " ".join(f"({escape(line)}) Tj T*" for line in lines) + " ET"
    stream = DecodedStreamObject()
    stream.set_data(ops.encode("latin-1"))
    page[NameObject("/Contents")] = writer._add_object(stream)
    buffer = io.BytesIO()
    writer.write(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def wrap(text: str, width: int = 80) -> list[str]:
    """Hard-wrap ``text`` into lines, as PDFs and plain-text files often are."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines


def jsonl(rows: list[dict]) -> str:
    return "\n".join(json.dumps(row) for row in rows) + "\n"
