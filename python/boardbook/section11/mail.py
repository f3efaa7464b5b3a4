"""The e-mails a business unit sends in a round, as drafts: pure composition, no file or workbook in sight.

Each draft is an RFC 5322 message with ``X-Unsent: 1`` (Outlook opens such a .eml as a draft to send, not a
received message), a UTF-8 subject and body from the configuration's templates, and the agency's workbook
attached. The standard library's ``email`` package writes it; nothing is sent from here.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import getaddresses
from pathlib import Path

from boardbook.config import Mail

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
mimetypes.add_type(XLSX, ".xlsx")


@dataclass(frozen=True)
class Draft:
    """One agency's e-mail: who to, what it says, what it carries (``attachment`` None: nothing attached)."""

    kind: str  # returns | chase | feedback
    agency: str
    to: tuple[str, ...]
    subject: str
    body: str
    attachment: Path | None = None
    round: str = ""


def recipients(email: str) -> tuple[str, ...]:
    """The addresses in an agency list's Email cell: one, or several separated by ; or , (as Outlook allows)."""
    pairs = getaddresses([email.replace(";", ",")])
    return tuple(addr for _name, addr in pairs if "@" in addr)


def deadline_text(deadline: date | None) -> str:
    """What ``{deadline}`` says: "by Friday 29 January 2027", or "as soon as you can" when none was given."""
    return f"by {deadline:%A} {deadline.day} {deadline:%B %Y}" if deadline else "as soon as you can"


def problems_text(file: str, problems: Sequence[Mapping[str, object]]) -> str:
    """What ``{problems}`` says in a chase: none received, or the return's errors, one per line."""
    if not file:
        return "we have not received a return from you yet."
    lines = [f"the return we received ({file}) could not be included, because:"]
    for p in problems:
        where = ", ".join(
            x
            for x in (
                f"sheet {p.get('Sheet')}" if p.get("Sheet") else "",
                f"cell {p.get('Cell')}" if p.get("Cell") else "",
            )
            if x
        )
        lines.append(f"- {where + ': ' if where else ''}{p.get('Problem')}")
    return "\n".join(lines)


def compose(
    kind: str,
    mail: Mail,
    *,
    agency: str,
    email: str,
    round_: str,
    partnership: str,
    deadline: date | None = None,
    problems: str = "",
    attachment: Path | None = None,
) -> Draft:
    """The draft for one agency from the configured templates (placeholders filled, nothing else read)."""
    subject, body = mail.template(kind)
    values = {
        "agency": agency,
        "round": round_,
        "deadline": deadline_text(deadline),
        "partnership": partnership,
        "problems": problems,
    }
    one_line = re.sub(r"\s+", " ", subject.format_map(values)).strip()  # a header holds no line breaks
    return Draft(kind, agency, recipients(email), one_line, body.format_map(values), attachment, round_)


def eml(draft: Draft, mail: Mail, attachment: bytes = b"") -> bytes:
    """The draft as a .eml file's bytes (CRLF line ends, UTF-8 encoded headers and body), carrying
    ``attachment`` (the bytes of ``draft.attachment``) when the draft has one."""
    msg = EmailMessage(policy=SMTP)
    msg["X-Unsent"] = "1"
    if mail.sender:
        msg["From"] = mail.sender
    if mail.reply_to:
        msg["Reply-To"] = mail.reply_to
    if draft.to:
        msg["To"] = ", ".join(draft.to)
    msg["Subject"] = draft.subject
    msg.set_content(draft.body, charset="utf-8")
    if draft.attachment is not None:
        maintype, subtype = (mimetypes.guess_type(draft.attachment.name)[0] or "application/octet-stream").split("/")
        msg.add_attachment(attachment, maintype=maintype, subtype=subtype, filename=draft.attachment.name)
    return msg.as_bytes()
