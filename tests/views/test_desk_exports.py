"""Exports for the secretariat (CSV with the formula guard, OpenDocument) and the printable sign-in sheet (V2)."""
import csv
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from datetime import timedelta

import pytest

from app.registrations import desk as desk_services
from app.registrations import services as registrations
from app.registrations.exports import roc_stamp
from app.spreadsheets import ODS_MIMETYPE

from .conftest import text_of

NS = {"office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
      "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
      "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0"}


@pytest.fixture
def crowd(make, counties):
    """County A's open meeting with two cases: 6 speakers on case 1, one on both cases, observers in the gallery
    and overflow, a cancelled and an unconfirmed applicant, and a name that a spreadsheet would run as a formula."""
    meeting = make.open_meeting(counties.a, cases=2, gallery_seats=2)
    case1, case2 = meeting.cases
    base = make.now()
    speakers = [make.application(meeting, name=f"講者{i}", case_ids=[case1.id], at=base + timedelta(seconds=i))
                for i in range(6)]
    both = make.application(meeting, name="=HYPERLINK(\"http://evil\")", organisation="+886 協會",
                            case_ids=[case1.id, case2.id], at=base + timedelta(seconds=7))
    observers = [make.application(meeting, "observe", name=f"旁聽{i}", at=base + timedelta(seconds=10 + i))
                 for i in range(3)]
    gone = make.application(meeting, "observe", name="已取消", at=base + timedelta(seconds=20))
    registrations.cancel_application(gone, now=base + timedelta(seconds=21))
    make.application(meeting, "observe", name="未確認", confirm=False, at=base + timedelta(seconds=22))
    make.commit()
    return meeting, speakers, both, observers


def test_csv_has_bom_every_application_and_guards_formulas(client, counties, sign_in, crowd):
    meeting, speakers, both, observers = crowd
    sign_in(counties.secretariat_a)
    response = client.get(f"/staff/meetings/{meeting.id}/applications.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.headers["Content-Disposition"] == f'attachment; filename="meeting-{meeting.id}-applications.csv"'
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Application", "Kind", "Channel"]
    col = {name: i for i, name in enumerate(header)}
    # 6 + 2 (one per case) speaker rows, 3 observers, the cancelled and the unconfirmed one
    assert len(body) == 13
    first = body[0]
    assert (first[col["Full name"]], first[col["Case"]], first[col["Place held"]], first[col["Position"]]) == (
        "講者0", "第1案", "Speaking place", "1")
    assert first[col["Time of application (ROC)"]] == roc_stamp(speakers[0].confirmed_at)
    assert first[col["Time of application (ISO 8601)"]].endswith("+08:00")
    assert first[col["Check-in code"]] == speakers[0].check_in_code
    guarded = [r for r in body if r[col["Application"]] == str(both.id)]
    assert [r[col["Case"]] for r in guarded] == ["第1案", "第2案"]
    assert guarded[0][col["Full name"]] == "'=HYPERLINK(\"http://evil\")"
    assert guarded[0][col["Organisation"]] == "'+886 協會"
    assert [r[col["Place held"]] for r in guarded] == ["Waiting list", "Speaking place"]
    statuses = {r[col["Full name"]]: r[col["Status"]] for r in body}
    assert statuses["已取消"] == "Cancelled" and statuses["未確認"] == "Waiting for e-mail confirmation"
    assert {r[col["Place held"]] for r in body if r[col["Full name"]].startswith("旁聽")} == {"Gallery seat", "Overflow room"}


def test_ods_is_a_spreadsheet_libreoffice_can_open(client, counties, sign_in, crowd):
    meeting, speakers, both, _ = crowd
    sign_in(counties.secretariat_a)
    response = client.get(f"/staff/meetings/{meeting.id}/applications.ods")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == ODS_MIMETYPE
    assert "attachment" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    first = archive.infolist()[0]
    assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
    assert archive.read("mimetype") == ODS_MIMETYPE.encode()
    manifest = ET.fromstring(archive.read("META-INF/manifest.xml"))
    assert any(e.get("{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}full-path") == "content.xml"
               for e in manifest)
    content = ET.fromstring(archive.read("content.xml"))
    (table,) = content.findall(".//table:table", NS)
    rows = table.findall("table:table-row", NS)
    assert len(rows) == 14  # the header and 13 rows, as in the CSV

    def cells(row):
        return [(c.get(f"{{{NS['office']}}}value-type"), "".join(c.itertext())) for c in row.findall(
            "table:table-cell", NS)]
    header = [text for _, text in cells(rows[0])]
    first = cells(rows[1])
    assert first[0] == ("float", str(speakers[0].id))
    assert first[header.index("Full name")] == ("string", "講者0")
    assert first[header.index("Position")] == ("float", "1")
    names = [cells(r)[header.index("Full name")][1] for r in rows[1:]]
    assert '=HYPERLINK("http://evil")' in names  # a string cell is never a formula: kept as written


def test_sign_in_sheet_lists_only_people_holding_a_place_in_place_order_V2(client, counties, sign_in, crowd):
    meeting, speakers, both, observers = crowd
    sign_in(counties.secretariat_a)
    response = client.get(f"/staff/meetings/{meeting.id}/sign-in-sheet")
    assert response.status_code == 200
    body = text_of(response)
    captions = re.findall(r"<caption>(.*?)</caption>", body, re.S)
    assert [c.strip() for c in captions][:5] == ["Speakers: 第1案", "Waiting list for no-shows: 第1案",
                                                 "Speakers: 第2案", "Observers: gallery",
                                                 "Observers: overflow room (大禮堂)"]
    sections = re.split(r"<caption>", body)[1:6]
    names = [re.findall(r'<th scope="row">(.*?)</th>', s) for s in sections]
    assert names == [[s.name for s in speakers[:5]], [speakers[5].name, both.name], [both.name],
                     [o.name for o in observers[:2]], [observers[2].name]]
    assert speakers[0].check_in_code in body
    for absent in ("已取消", "未確認"):
        assert absent not in body
    assert 'class="signature"' in body and "style=" not in body


def test_sign_in_sheet_puts_other_channel_representatives_after_online_speakers_V4(client, make, counties, sign_in):
    meeting = make.open_meeting(counties.a)
    online = make.application(meeting, name="線上講者")
    desk_services.record_other_channel(meeting, {"channel": "phone", "kind": "speak", "name": "電話講者",
                                                 "phone": "0922333444"}, actor=None, now=make.now())
    make.commit()
    sign_in(counties.secretariat_a)
    body = text_of(client.get(f"/staff/meetings/{meeting.id}/sign-in-sheet"))
    assert body.index(online.name) < body.index("電話講者")
    assert "（other channels）" in body
