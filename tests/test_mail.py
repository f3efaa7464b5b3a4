"""E-mail drafts (``boardbook s11 mail returns|chase|feedback``): every .eml parsed back with the standard
library's parser, every attachment opened, mailings.csv read as Excel would."""

from __future__ import annotations

import csv
import subprocess
import sys
from datetime import date
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
import python_calamine as pc

from boardbook.config import Agency, Config, config_toml, load_config, parse_config
from boardbook.errors import ConfigError, UsageError
from boardbook.section11.pipeline import collate, mail_drafts, make_returns, write_feedback
from tests.helpers import make_return

BIN = str(Path(sys.executable).with_name("boardbook"))
AGENCIES = (
    Agency("Moorlands Police", "Police", "s11@police.example; deputy@police.example"),
    Agency("St Aidan\u2019s Caf\u00e9 Trust", "Education", "dsl@aidans.example"),
    Agency("Northmoor ICB", "Health", ""),
    Agency("@Risk Youth Project", "Voluntary", "info@risk.example"),
)


def parse(path: Path) -> EmailMessage:
    msg = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert isinstance(msg, EmailMessage)
    return msg


def attachment(msg: EmailMessage) -> tuple[str, bytes]:
    (part,) = list(msg.iter_attachments())
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return str(part.get_filename()), payload


def names_of(data: bytes, tmp: Path) -> dict[str, object]:
    """The defined names Agency and Round of an attached workbook, opened from the bytes the e-mail carries."""
    path = tmp / "attached.xlsx"
    path.write_bytes(data)
    from boardbook.book.fast import read_workbook

    raw = read_workbook(path, names=("Agency", "Round"))
    return {n: (raw.names[n].value if raw.names.get(n) else None) for n in ("Agency", "Round")}


def listing(folder: Path) -> list[dict[str, str]]:
    with (folder / "mailings.csv").open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_returns_drafts_carry_each_agencys_return(tmp_path: Path) -> None:
    config = load_config()
    made = make_returns(AGENCIES, "2026/27", tmp_path / "returns", config)
    result = mail_drafts(
        "returns", tmp_path / "returns", AGENCIES, tmp_path / "mail", config, deadline=date(2027, 1, 29)
    )
    assert len(result.drafts) == len(AGENCIES) == len(made)
    assert result.no_address == ["Northmoor ICB"] and result.no_file == []
    by_agency = {parse(p)["Subject"]: p for p in result.drafts}
    subject = f"{config.partnership}: section 11 self-assessment 2026/27 for St Aidan\u2019s Caf\u00e9 Trust"
    msg = parse(by_agency[subject])  # a UTF-8 subject, folded and encoded, comes back as typed
    assert msg["X-Unsent"] == "1" and msg["To"] == "dsl@aidans.example"
    body = msg.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "St Aidan\u2019s Caf\u00e9 Trust's section 11 self-assessment return for 2026/27" in text
    assert "send the workbook back as .xlsx by Friday 29 January 2027." in text
    name, data = attachment(msg)
    assert name == "Section 11 return 2026-27 - St Aidan\u2019s Caf\u00e9 Trust.xlsx"
    assert names_of(data, tmp_path) == {"Agency": "St Aidan\u2019s Caf\u00e9 Trust", "Round": "2026/27"}
    for draft in result.drafts:  # every draft parses, and every attachment opens as that agency's return
        agency_name = draft.stem.split(" - ", 1)[1]
        assert names_of(attachment(parse(draft))[1], tmp_path)["Agency"] == agency_name
    police = parse(next(p for p in result.drafts if "Moorlands Police" in p.name))
    assert police["To"].addresses[0].addr_spec == "s11@police.example"
    assert [a.addr_spec for a in police["To"].addresses] == ["s11@police.example", "deputy@police.example"]
    icb = parse(next(p for p in result.drafts if "Northmoor ICB" in p.name))
    assert icb["To"] is None  # written, and reported, so someone adds the address
    rows = listing(tmp_path / "mail")
    assert [r["Agency"] for r in rows] == [a.name.replace("@", "'@") for a in AGENCIES]  # never a formula in Excel
    assert rows[0]["To"] == "s11@police.example; deputy@police.example"
    assert {r["File"] for r in rows} == {p.name for p in result.drafts}
    assert all(r["Attachment"].startswith("Section 11 return 2026-27 - ") for r in rows)


def test_chase_says_why_for_each_agency_in_missing(tmp_path: Path) -> None:
    config = load_config()
    returns = tmp_path / "returns"
    returns.mkdir()
    make_return(returns, config, "Moorlands Police")
    make_return(returns, config, "Northmoor ICB", ratings=["Fuly met"] + ["Fully met"] * (len(config.refs) - 1))
    summary = collate([returns], tmp_path / "summary.xlsx", config, agencies=AGENCIES).out
    result = mail_drafts("chase", summary, AGENCIES, tmp_path / "chase", config)
    got = {parse(p)["Subject"]: parse(p) for p in result.drafts}
    assert sorted(got) == sorted(
        f"Reminder: section 11 self-assessment 2026 for {a.name}" for a in AGENCIES if a.name != "Moorlands Police"
    )
    icb_body = got["Reminder: section 11 self-assessment 2026 for Northmoor ICB"].get_body(("plain",))
    assert icb_body is not None
    icb = icb_body.get_content()
    assert "the return we received (Northmoor ICB.xlsx) could not be included, because:" in icb
    assert "- sheet Assessment, cell C2: S1 rating 'Fuly met' is not on the scale" in icb
    aidan_body = got[f"Reminder: section 11 self-assessment 2026 for {AGENCIES[1].name}"].get_body(("plain",))
    assert aidan_body is not None
    assert "we have not received a return from you yet." in aidan_body.get_content()
    assert all(not list(m.iter_attachments()) for m in got.values())
    assert result.no_address == ["Northmoor ICB"]


def test_feedback_drafts_attach_the_feedback(tmp_path: Path) -> None:
    config = load_config()
    returns = tmp_path / "returns"
    returns.mkdir()
    make_return(returns, config, "Moorlands Police")
    summary = collate([returns], tmp_path / "summary.xlsx", config, agencies=AGENCIES).out
    write_feedback(summary, tmp_path / "feedback", config)
    result = mail_drafts("feedback", tmp_path / "feedback", AGENCIES, tmp_path / "mail", config)
    (draft,) = result.drafts
    msg = parse(draft)
    assert msg["To"] == "s11@police.example, deputy@police.example"
    name, data = attachment(msg)
    assert name == "Section 11 feedback 2026 - Moorlands Police.xlsx"
    (tmp_path / "f.xlsx").write_bytes(data)
    wb = pc.CalamineWorkbook.from_path(str(tmp_path / "f.xlsx"), load_tables=True)
    assert len(wb.get_table_by_name("YourRatings").to_python()) == len(config.refs)


def test_configured_templates_sender_and_reply_to(tmp_path: Path) -> None:
    text = config_toml(load_config()) + (
        '\n[mail]\nfrom = "Northmoor SCP <scp@northmoor.example>"\nreply_to = "audit@northmoor.example"\n'
        'returns_subject = "S11 {round} \u2013 {agency}"\n'
        'returns_body = """Hello {agency},\n\nReturn it {deadline}. {{Braces}} stay.\n"""\n'
    )
    config = parse_config(text, "custom.toml")
    assert parse_config(config_toml(config), "custom.toml") == config  # recorded in workbooks, read back the same
    make_returns(AGENCIES[:1], "2026", tmp_path / "r", config)
    (draft,) = mail_drafts("returns", tmp_path / "r", AGENCIES[:1], tmp_path / "m", config).drafts
    msg = parse(draft)
    assert (msg["From"], msg["Reply-To"], msg["Subject"]) == (
        "Northmoor SCP <scp@northmoor.example>",
        "audit@northmoor.example",
        "S11 2026 \u2013 Moorlands Police",
    )
    body = msg.get_body(("plain",))
    assert body is not None
    text = body.get_content().replace("\r\n", "\n")  # .eml files end lines with CRLF, as RFC 5322 says
    assert text == "Hello Moorlands Police,\n\nReturn it as soon as you can. {Braces} stay.\n"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('chase_body = "Dear {name}"', "custom.toml: mail.chase_body uses {name}: the placeholders are {agency}"),
        ('feedback_subject = "Feedback {round"', "custom.toml: mail.feedback_subject uses "),
        ("returns_body = 3", "custom.toml: mail.returns_body must be text, not int"),
    ],
)
def test_bad_mail_templates_name_the_key(line: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(config_toml(load_config()) + f"\n[mail]\n{line}\n", "custom.toml")
    assert str(info.value).startswith(message)


def test_a_source_that_is_not_a_folder_or_a_kind_that_does_not_exist(tmp_path: Path, config: Config) -> None:
    with pytest.raises(UsageError, match="is not a folder"):
        mail_drafts("returns", tmp_path / "nothing", AGENCIES, tmp_path / "m", config)
    with pytest.raises(UsageError, match="mail kind must be one of returns, chase, feedback"):
        mail_drafts("reminders", tmp_path, AGENCIES, tmp_path / "m", config)


def test_the_command(tmp_path: Path) -> None:
    config = load_config()
    agencies = tmp_path / "agencies.csv"
    agencies.write_text(
        "Agency,Sector,Email,Partnerships\nMoorlands Police,Police,s11@police.example,All\nNorthmoor ICB,Health,,All\n",
        encoding="utf-8",
    )
    make_returns(AGENCIES[:1], "2026", tmp_path / "returns", config)
    done = subprocess.run(
        [BIN, "s11", "mail", "returns", str(tmp_path / "returns"), "--agencies", str(agencies), "--out",
         str(tmp_path / "mail"), "--deadline", "29/01/2027"],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "wrote 1 returns drafts and mailings.csv" in done.stdout
    assert done.stderr.strip() == (
        f"boardbook: warning: no returns workbook for Northmoor ICB in {tmp_path / 'returns'}: no draft written "
        "(run 'boardbook s11 returns' first?)"
    )
    bad = subprocess.run(
        [BIN, "s11", "mail", "returns", str(tmp_path / "returns"), "--agencies", str(agencies), "--out",
         str(tmp_path / "mail"), "--deadline", "next Friday"],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert bad.returncode == 2 and bad.stderr.startswith("boardbook: "), bad.stderr
    assert "--deadline 'next Friday' is not a date" in bad.stderr
