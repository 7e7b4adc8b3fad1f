"""Comparing what people type: group and village names, e-mail, phone; masking names (V5, V7)."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.rules.names import (
    MASK,
    email_is_sendable,
    fold_chinese,
    mask_name,
    normalise_email,
    normalise_name,
    normalise_phone,
    normalise_village,
)

# --- V5 / V7: one group however it is written ---------------------------------------------


@pytest.mark.parametrize("a, b", [
    ("«臺灣環境資訊協會»", " 台灣環境資訊協會 "),
    ("臺灣環境資訊協會", "　台灣環境資訊協會　"),  # full-width (ideographic) spaces
    ("「臺灣環境資訊協會」", "『台灣環境資訊協會』"),  # CJK quotation brackets
    ("（社團法人）臺灣環境資訊協會", "(社團法人)台灣環境資訊協會"),  # full- vs half-width parentheses
    ("社團法人 臺灣 環境資訊 協會", "社團法人台灣環境資訊協會"),  # spaces inside
    ("臺灣・環境‧資訊—協會", "台灣環境資訊協會"),  # middle dots and dashes
    ("臺灣環境資訊協會。", "台灣環境資訊協會!"),  # full- and half-width punctuation
    ("ＡＢＣ１２３", "abc123"),  # full-width letters and digits
    ("ＡＢＣ１２３協會", "Abc 123 協會"),
    ("Green-Peace_Taiwan", "greenpeace taiwan"),
    ("GREENPEACE", "greenpeace"),
    ("大邨社區發展協會", "大村社區發展協會"),  # 邨 folded into 村
])
def test_one_group_written_two_ways_normalises_equal_V5_V7(a, b):
    assert normalise_name(a) == normalise_name(b)
    assert normalise_name(a)  # never folded away to nothing


@pytest.mark.parametrize("a, b", [
    ("台灣環境資訊協會", "台灣環境資訊中心"),
    ("台灣環境資訊協會", "台灣環境保護聯盟"),
    ("abc123", "abc124"),
    ("ＡＢＣ１２３", "ＡＢＣ１２"),
    ("臺北市自救會", "新北市自救會"),
    ("大同村", "大同里"),  # 村 and 里 are different things
])
def test_different_groups_stay_different_V5_V7(a, b):
    assert normalise_name(a) != normalise_name(b)


def test_normalise_name_of_nothing_is_empty_V5():
    assert normalise_name("") == ""
    assert normalise_name(None) == ""
    assert normalise_name(" 　「」（）、。 ") == ""


# --- V7: villages within their township ---------------------------------------------------


@pytest.mark.parametrize("a, b", [
    (("臺東縣臺東市", "豐里里"), ("台東縣台東市", "豐里里")),
    (("臺東縣　臺東市", "豐里里"), ("台東縣台東市", " 豐里里 ")),
    (("臺南市安平區", "臺興里"), ("台南市安平區", "台興里")),
    (("宜蘭縣（壯圍鄉）", "大福村"), ("宜蘭縣壯圍鄉", "大福村")),
])
def test_village_keys_fold_tai_and_spacing_V7(a, b):
    assert normalise_village(*a) == normalise_village(*b)
    assert normalise_village(*a)


def test_village_key_combines_township_and_village_V7():
    assert normalise_village("臺東縣臺東市", "豐里里") == "台東縣台東市/豐里里"


@pytest.mark.parametrize("a, b", [
    (("臺北市大安區", "大安里"), ("臺北市信義區", "大安里")),  # same village name, another township
    (("宜蘭縣壯圍鄉", "大福村"), ("宜蘭縣壯圍鄉", "大福里")),
    (("宜蘭縣壯圍鄉", "大福村"), ("宜蘭縣壯圍鄉", "功勞村")),
])
def test_different_villages_stay_different_V7(a, b):
    assert normalise_village(*a) != normalise_village(*b)


@pytest.mark.parametrize("township, village", [
    ("臺東縣臺東市", ""),
    ("臺東縣臺東市", None),
    ("臺東縣臺東市", "　"),
    ("", ""),
])
def test_no_village_gives_an_empty_key_V7(township, village):
    assert normalise_village(township, village) == ""


# --- V5: e-mail and phone ----------------------------------------------------------------


@pytest.mark.parametrize("typed, key", [
    ("alice@example.com", "alice@example.com"),
    ("  Alice@Example.COM ", "alice@example.com"),
    ("\tALICE@EXAMPLE.COM\n", "alice@example.com"),
    ("ａｌｉｃｅ＠ｅｘａｍｐｌｅ．ｃｏｍ", "alice@example.com"),  # full width
    ("　alice@example.com　", "alice@example.com"),  # ideographic spaces
    ("", ""),
    (None, ""),
])
def test_normalise_email_casefolds_and_strips_V5(typed, key):
    assert normalise_email(typed) == key


@pytest.mark.parametrize("typed", [
    "0912-345-678",
    "0912345678",
    "0912 345 678",
    "(0912) 345-678",
    "+886 912 345 678",
    "+886-912-345-678",
    "886912345678",
    "０９１２－３４５－６７８",  # full-width digits and dash
    "＋８８６ ９１２ ３４５ ６７８",
])
def test_normalise_phone_one_mobile_number_written_many_ways_V5(typed):
    assert normalise_phone(typed) == "0912345678"


@pytest.mark.parametrize("typed, key", [
    ("(02) 2345-6789", "0223456789"),
    ("+886-2-2345-6789", "0223456789"),
    ("", ""),
    (None, ""),
    ("no phone", ""),
])
def test_normalise_phone_other_cases_V5(typed, key):
    assert normalise_phone(typed) == key


def test_different_phone_numbers_stay_different_V5():
    assert normalise_phone("0912-345-678") != normalise_phone("0912-345-679")


@pytest.mark.parametrize("typed", ["+886 (0)912-345-678", "00886 912 345 678", "00886-0912-345-678"])
def test_normalise_phone_international_forms_with_or_without_trunk_zero_V5(typed):
    assert normalise_phone(typed) == "0912345678"


# --- public lists: masked names ----------------------------------------------------------


@pytest.mark.parametrize("name, masked", [
    ("王小明", "王○○"),
    ("王明", "王○"),
    ("歐陽小明", "歐○○○"),
    ("John Smith", "J○○ S○○"),
    ("José García", "J○○ G○○"),
    ("  John   Smith ", "J○○ S○○"),
    (" 王小明 ", "王○○"),
    ("王", "王○"),
    ("", ""),
    ("   ", ""),
    (None, ""),
])
def test_mask_name_keeps_only_the_first_character(name, masked):
    assert mask_name(name) == masked


@given(st.text(min_size=1).filter(lambda s: s.strip()))
@settings(max_examples=200, deadline=None)
def test_mask_name_never_shows_more_than_the_first_character_of_each_word(name):
    masked = mask_name(name)
    assert masked
    assert masked[0] == name.strip()[0]
    shown = [c for c in masked if c not in (MASK, " ")]
    assert len(shown) <= max(1, len(name.split()))


# --- properties --------------------------------------------------------------------------

# What people type into a group or village field: CJK, Latin and digits of both widths, spaces,
# punctuation and symbols. (The Hangul-jamo case, where dropping punctuation lets characters compose, has its own test below.)
_TYPED = st.text(
    alphabet=st.one_of(
        st.sampled_from("臺台灣環境資訊協會社團法人邨村里鄉鎮市區大同"),
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),  # ASCII printable
        st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),  # full-width forms
        st.sampled_from(" 　«»「」『』（）【】、，。・‧—–-_/\\\t\n"),
        st.characters(categories=["Lu", "Ll", "Nd", "Pd", "Ps", "Pe", "Po", "Zs"], max_codepoint=0x2FFF),
    ),
    max_size=30,
)


@given(_TYPED)
@settings(max_examples=300, deadline=None)
def test_normalise_name_is_idempotent_V5_V7(text):
    once = normalise_name(text)
    assert normalise_name(once) == once


@given(_TYPED, _TYPED)
@settings(max_examples=200, deadline=None)
def test_village_key_is_empty_exactly_when_the_village_is_V7(township, village):
    key = normalise_village(township, village)
    assert (key == "") == (normalise_name(village) == "")


def test_normalise_name_is_idempotent_for_hangul_jamo_V5():
    once = normalise_name("\u1100-\u1161")  # ᄀ - ᅡ
    assert normalise_name(once) == once


# --- Item 8: Simplified characters and a trailing abbreviation name the same group (V5, V7) ---------


@pytest.mark.parametrize("a, b", [
    ("台湾环境资讯协会", "臺灣環境資訊協會"),  # Simplified and Traditional
    ("台湾环境资讯协会", "台灣環境資訊協會"),
    ("臺灣環境資訊協會 (TEIA)", "臺灣環境資訊協會"),  # a trailing abbreviation in brackets
    ("臺灣環境資訊協會（ＴＥＩＡ）", "台湾环境资讯协会"),  # full-width brackets and letters, Simplified
    ("台灣環境資訊協會(T.E.I.A.)", "臺灣環境資訊協會"),
    ("地球公民基金会 (CET)", "地球公民基金會"),
    ("大同里", "大同裏"),  # OpenCC turns 里 into 裏; a village stays 里
])
def test_simplified_characters_and_abbreviations_fold_to_one_group_V5_V7(a, b):
    assert normalise_name(a) == normalise_name(b)
    assert normalise_name(a)


@pytest.mark.parametrize("a, b", [
    ("臺灣環境資訊協會 (TEIA)", "臺灣環境資訊協會 (台中分會)"),  # a bracketed branch is no abbreviation
    ("(TEIA)", "(CET)"),  # nothing but the abbreviation: it is the name
    ("大同村", "大同里"),
])
def test_what_is_no_abbreviation_stays_apart_V5_V7(a, b):
    assert normalise_name(a) != normalise_name(b)


def test_village_keys_keep_li_after_the_simplified_fold_V7():
    assert normalise_village("台东县台东市", "丰里里") == "台東縣台東市/豐里里"


_CHINESE = st.text(st.sampled_from("台湾臺灣环境環境资讯資訊协会協會里裏后後干幹发發髮范範"), min_size=1, max_size=12)
_ABBREVIATION = st.text(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), min_size=1, max_size=6)


@given(_CHINESE, _ABBREVIATION, st.sampled_from([" ", "", "　"]), st.booleans())
@settings(max_examples=200, deadline=None)
def test_a_trailing_abbreviation_never_changes_the_key_V5_V7(name, abbreviation, space, full_width):
    brackets = "（）" if full_width else "()"
    assert normalise_name(f"{name}{space}{brackets[0]}{abbreviation}{brackets[1]}") == normalise_name(name)


@given(_CHINESE)
@settings(max_examples=200, deadline=None)
def test_the_simplified_fold_is_idempotent_and_keys_compare_symmetrically_V5_V7(name):
    folded = fold_chinese(name)
    assert fold_chinese(folded) == folded
    assert normalise_name(folded) == normalise_name(name)


@given(_CHINESE, _CHINESE)
@settings(max_examples=200, deadline=None)
def test_one_group_is_a_symmetric_relation_V5(a, b):
    assert (normalise_name(a) == normalise_name(b)) == (normalise_name(b) == normalise_name(a))
    assert (normalise_name(a) == normalise_name(b)) == (normalise_name(fold_chinese(a)) == normalise_name(b))


# --- Item 7: an e-mail address is one identity, whatever its +tag (V5) --------------------------------


@pytest.mark.parametrize("typed, key", [
    ("ming+meeting@example.tw", "ming@example.tw"),
    ("Ming+A+B@Example.TW", "ming@example.tw"),
    ("ｍｉｎｇ＋ｘ＠ｅｘａｍｐｌｅ．ｔｗ", "ming@example.tw"),  # full-width plus and at sign
    ("+ming@example.tw", "+ming@example.tw"),  # nothing before the +: the address as it is
    ("ming@exam+ple.tw", "ming@exam+ple.tw"),  # a + in the domain is no tag
])
def test_a_plus_tag_is_the_same_identity_V5(typed, key):
    assert normalise_email(typed) == key


_LOCAL = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="@"), min_size=1,
                 max_size=12)


@given(_LOCAL, st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=12))
@settings(max_examples=300, deadline=None)
def test_email_identity_is_idempotent_and_ignores_any_tag_V5(local, tag):
    address = f"{local}@Example.TW"
    key = normalise_email(address)
    assert normalise_email(key) == key
    if "+" not in local:
        assert normalise_email(f"{local}+{tag}@example.tw") == key


@given(st.text(max_size=40))
@settings(max_examples=300, deadline=None)
def test_email_identity_of_anything_is_idempotent_V5(text):
    key = normalise_email(text)
    assert normalise_email(key) == key


@pytest.mark.parametrize("typed, sendable", [
    ("ming@example.tw", True),
    ("ｍｉｎｇ＠ｅｘａｍｐｌｅ．ｔｗ", True),  # full width folds to ASCII
    ("小明@example.tw", False),
    ("ming@例子.台灣", False),
    ("ming＠example.tw", True),
])
def test_only_ascii_addresses_after_nfkc_can_be_mailed(typed, sendable):
    assert email_is_sendable(typed) is sendable
