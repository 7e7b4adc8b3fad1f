"""Issue 9 on the public pages, as a visitor reads them: places left (item 3), the plan's documents
(4), compact dates (6), a footer people trust (8), calendar subscriptions (9), finding meetings
(10), heading levels and captions (15), delivery (16) and the favicon and descriptions (17)."""
import gzip
import html as htmllib
import re
from datetime import timedelta

from icalendar import Calendar

from app.extensions import db as _db
from app.materials.models import Material
from app.meetings import agenda
from app.timefmt import TAIPEI


def text_of(html: str) -> str:
    """What a reader sees of some HTML: the text without tags, entities decoded, spaces collapsed."""
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", "", html)).split())


def zh(client):
    client.set_cookie("lang", "zh_Hant_TW")
    return client


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def test_a_meeting_and_its_card_say_places_left_and_waiting_per_case_in_plain_words_item_3(client, make):
    meeting = make.open_meeting(cases=2, title="審議會（名額）")
    first, second = meeting.cases
    for _ in range(meeting.speaker_cap + 2):
        make.application(meeting, case_ids=[first.id])
    make.application(meeting, "observe")
    make.commit()
    html = text_of(page(zh(client), f"/meetings/{meeting.id}"))
    assert "第1案：發言名額已滿，候補 2 人" in html
    assert f"第2案：尚餘 {meeting.speaker_cap} 個發言名額" in html
    assert f"旁聽席尚餘 {meeting.gallery_seats - 1} 席" in html
    assert "已有 0 人" not in html and "0 人" not in html
    cards = text_of(page(client, "/meetings"))
    assert "第 1 案：發言名額已滿，候補 2 人" in cards and f"第 2 案：尚餘 {meeting.speaker_cap} 個發言名額" in cards


def test_a_meeting_page_links_its_plans_current_documents_beside_its_own_item_4(client, make):
    meeting = make.meeting(title="公聽會（文件）")
    _db.session.add(Material(plan_id=meeting.plan_id, category="draft_plan", title="計畫草案（公開展覽版）",
                             link_url="https://example.tw/draft.pdf"))
    _db.session.add(Material(meeting_id=meeting.id, category="briefing", title="簡報", link_url="https://example.tw/b.pdf"))
    make.commit()
    html = page(zh(client), f"/meetings/{meeting.id}")
    section = html.split('id="materials-heading"')[1]
    assert "簡報" in section and "本計畫的現行文件" in section
    assert '<a href="https://example.tw/draft.pdf" rel="noopener">計畫草案（公開展覽版）</a>' in section.split("本計畫的現行文件")[1]


def test_dates_are_compact_with_the_gregorian_date_in_a_time_that_never_breaks_item_6(client, make):
    start = make.now().replace(second=0) + timedelta(days=12)
    meeting = make.meeting(title="公聽會（日期）", start=start, hours=3)
    make.commit()
    html = page(zh(client), f"/meetings/{meeting.id}")
    local, end = start.astimezone(TAIPEI), (start + timedelta(hours=3)).astimezone(TAIPEI)
    roc = f"{local.year - 1911}/{local:%m/%d}（{'一二三四五六日'[local.weekday()]}）"
    assert (f'<span class="when"><time datetime="{local.isoformat(timespec="minutes")}" title="{local.date().isoformat()}">'
            f'{roc}{local:%H:%M}</time>–<time datetime="{end.isoformat(timespec="minutes")}">{end:%H:%M}</time></span>') in html
    main = html.split("<main")[1].split("</main>")[0]
    assert "民國" not in main and "ROC year" not in main


def test_the_footer_names_the_organizer_with_contacts_privacy_and_accessibility_pages_item_8(client, make):
    meeting = make.meeting(title="公聽會（頁尾）")
    make.commit()
    html = page(zh(client), f"/meetings/{meeting.id}")
    footer = text_of(html.split('<footer class="site-footer">')[1])
    assert "網站維運：內政部國土管理署" in footer and "(02) 8771-2345" in footer and "@" in footer
    assert 'href="/privacy"' in html and 'href="/accessibility"' in html
    assert "隱私權政策" in text_of(page(client, "/privacy")) and "無障礙聲明" in text_of(page(client, "/accessibility"))
    assert "已公布" not in text_of(html.split("</header>")[1].split("<footer")[0])  # a published meeting: no status word


def test_calendar_links_offer_webcal_a_copyable_address_and_help_item_9(client, make):
    meeting = make.meeting(title="公聽會（訂閱）")
    make.commit()
    html = page(zh(client), f"/meetings/{meeting.id}")
    assert f'href="webcal://localhost/meetings/{meeting.id}.ics"' in html
    assert f'readonly value="http://localhost/meetings/{meeting.id}.ics"' in html
    assert "Google 日曆" in html and "Outlook" in html and "Apple 行事曆" in html
    listed = page(client, "/meetings?county=yilan&kind=hearing")
    assert 'href="webcal://localhost/calendar.ics?county=yilan&amp;kind=hearing"' in listed


def test_a_filtered_feed_keeps_the_kind_and_is_named_after_its_filters_item_9(client, make):
    org = make.organizer(county_code="yilan")
    the_plan = make.plan(org)
    make.meeting(org, the_plan, title="宜蘭公聽會", kind="hearing")
    make.meeting(org, the_plan, title="宜蘭座談會", kind="symposium", phase="initial")
    make.commit()
    body = client.get("/calendar.ics?county=yilan&kind=hearing").data
    calendar = Calendar.from_ical(body)
    assert str(calendar["X-WR-CALNAME"]) == "宜蘭縣 · 公聽會"
    titles = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
    assert titles == ["宜蘭公聽會"]


def test_keyword_search_finds_chinese_words_inside_titles_and_folds_simplified_input_item_10(client, make):
    make.meeting(title="臺中市農地資源盤點座談會", kind="symposium", phase="initial")
    make.meeting(title="都市計畫說明會")
    make.commit()
    for words in ("農地", "农地", "台中 座談", "臺中市農地"):
        html = text_of(page(zh(client), "/meetings?" + f"q={words}"))
        assert "臺中市農地資源盤點座談會" in html and "都市計畫說明會" not in html, words
    assert "臺中市農地資源盤點座談會" not in text_of(page(client, "/meetings?q=100%25"))


def test_past_and_upcoming_together_as_a_table_by_month_with_the_county_item_10(client, make):
    org = make.organizer(county_code="yilan")
    past = make.meeting(org, title="去年的公聽會", start=make.now() - timedelta(days=40),
                        registration_opens_at=make.now() - timedelta(days=60),
                        registration_closes_at=make.now() - timedelta(days=45))
    make.meeting(org, title="明年的公聽會", start=make.now() + timedelta(days=40))
    make.commit()
    cards = page(zh(client), "/meetings?when=all")
    assert "去年的公聽會" in cards and "明年的公聽會" in cards and "宜蘭縣" in text_of(cards)
    card = cards.split("去年的公聽會")[1].split("</li>")[0]
    assert "報名" not in card and ".ics" not in card  # a past meeting: no registration, no calendar text
    table = page(client, "/meetings?when=all&view=table")
    local = past.starts_at.astimezone(TAIPEI)
    assert f"<h2 id=\"month-{local:%Y-%m}-01\">{local.year - 1911} 年 {local.month} 月</h2>" in table
    assert "<table class=\"meeting-table\">" in table and "宜蘭縣" in table
    assert '<details class="filter-panel" open>' in table  # filters in use stay unfolded
    assert '<details class="filter-panel">' in page(client, "/meetings")  # folded on a phone, without JavaScript
    ended = page(client, f"/meetings/{past.id}")
    assert ".ics" not in ended and 'id="reg-heading"' not in ended


def test_headings_do_not_skip_levels_and_tables_have_captions_item_15(client, make):
    meeting = make.meeting(title="公聽會（標題）")
    agenda.add_agenda_item(meeting, starts_at=meeting.starts_at, ends_at=meeting.starts_at + timedelta(hours=1),
                           title="開場", presenter="主席", actor=None, now=make.now())
    make.commit()
    for url in ("/meetings", "/", f"/meetings/{meeting.id}", f"/plans/{meeting.plan_id}"):
        levels = [int(n) for n in re.findall(r"<h([1-6])[ >]", page(zh(client), url))]
        assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), (url, levels)
    assert "<caption" in page(client, f"/plans/{meeting.plan_id}")
    assert re.search(r"<caption>[^<]*<time", page(client, f"/meetings/{meeting.id}"))  # the agenda's caption names its day


def test_static_files_are_versioned_kept_a_year_and_text_is_compressed_item_16(client, make):
    make.meeting(title="公聽會（壓縮）")
    make.commit()
    html = page(zh(client), "/meetings")
    href = re.search(r'href="(/static/site\.css\?v=[0-9a-f]{12})"', html).group(1)
    css = client.get(href)
    assert css.status_code == 200 and "immutable" in css.headers["Cache-Control"] and "max-age=31536000" in css.headers["Cache-Control"]
    assert client.get("/static/site.css").headers["Cache-Control"] == "no-cache"
    zipped = client.get(href, headers={"Accept-Encoding": "gzip, br"})
    assert zipped.headers["Content-Encoding"] == "gzip" and gzip.decompress(zipped.data) == css.data
    plain = client.get("/meetings")
    packed = client.get("/meetings", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data and len(packed.data) * 2 < len(plain.data)
    assert packed.headers["ETag"].startswith('W/"')
    again = client.get("/meetings", headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304


def test_the_favicon_answers_and_each_page_describes_itself_item_17(client, make):
    meeting = make.meeting(title="公聽會（描述）", venue_name="宜蘭縣政府大禮堂")
    make.commit()
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.data[:4] == b"\x00\x00\x01\x00"
    html = page(zh(client), f"/meetings/{meeting.id}")
    description = re.search(r'<meta name="description" content="([^"]*)">', html).group(1)
    local = meeting.starts_at.astimezone(TAIPEI)
    assert description.startswith("公聽會（描述）：公聽會，") and "宜蘭縣政府大禮堂" in description
    assert f"{local.year - 1911}/{local:%m/%d}" in description
    assert 'name="robots"' not in html  # public meeting pages may be indexed; registration pages may not
    for url in ("/meetings", "/", "/privacy", "/accessibility", "/calendar"):
        assert '<meta name="description" content="' in page(client, url)
