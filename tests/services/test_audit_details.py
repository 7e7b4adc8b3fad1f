"""The audit log's details, as people read them on the audit page."""
from app.audit import readable_details


def test_details_are_flattened_and_empty_values_left_out():
    details = {"title": "第一案", "comment_minutes": 45, "before": {"title": "舊案名", "comment_minutes": 30},
               "reason": "", "new_starts_at": None, "tags": ["甲", "乙"]}
    assert readable_details(details) == [("title", "第一案"), ("comment_minutes", "45"), ("before.title", "舊案名"),
                                         ("before.comment_minutes", "30"), ("tags", "甲, 乙")]


def test_no_details_give_no_pairs():
    assert readable_details({}) == [] and readable_details(None) == []


def test_coded_values_are_shown_in_words_and_other_text_as_it_is(app):
    import flask_babel

    from app.labels import audit_details
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        flask_babel.refresh()
        pairs = audit_details({"from": "published", "to": "postponed", "kind": "speak", "claim": "accepted",
                               "channel": "phone", "late": True, "by_staff": False, "reason": "颱風"})
    # Names in words too, never the stored key (issue 9, item 13).
    assert pairs == [("From", "Published"), ("To", "Postponed"), ("Kind", "speak"), ("Claim", "Claim accepted"),
                     ("Channel", "Telephone"), ("Late", "yes"), ("By staff", "no"), ("Reason", "颱風")]


def test_detail_names_are_words_in_the_readers_language(app):
    import flask_babel

    from app.labels import audit_details
    with app.test_request_context(headers={"Cookie": "lang=zh_Hant_TW"}):
        flask_babel.refresh()
        pairs = audit_details({"kind": "speak", "same_name_and_phone_as": 11, "before": {"title": "舊"}})
    names = [name for name, _ in pairs]
    assert names == ["類型", "姓名及電話相同的申請人", "修改前 · 名稱"] and pairs[0][1] != "speak"
