"""The shell's shared parts without a database: BaseForm for every form, and external URLs."""
import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from wtforms import EmailField, Form, HiddenField, PasswordField, SearchField, StringField, TextAreaField, URLField

import app as app_package
from app import create_app
from app.forms import BaseForm, single_line
from app.urls import external_url
from app.web import safe_next

ROOT = Path(__file__).resolve().parent.parent


def app_form_classes():
    """Every WTForms form class defined in the app's modules."""
    found = set()
    for module_info in pkgutil.walk_packages(app_package.__path__, "app."):
        module = importlib.import_module(module_info.name)
        found |= {cls for _, cls in inspect.getmembers(module, inspect.isclass)
                  if issubclass(cls, Form) and cls.__module__ == module.__name__}
    return found


def test_every_form_of_the_app_derives_from_base_form():
    forms = app_form_classes() - {BaseForm}
    assert len(forms) > 20
    assert sorted(cls.__qualname__ for cls in forms if not issubclass(cls, BaseForm)) == []


@pytest.fixture(scope="module")
def bare_app():
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_every_single_line_field_is_checked_by_the_one_shared_validator(bare_app):
    class Probe(BaseForm):
        text, email, password = StringField(), EmailField(), PasswordField()
        search, url, hidden = SearchField(), URLField(), HiddenField()
        notes = TextAreaField()

    with bare_app.test_request_context():
        form = Probe(formdata=None)
    single = {name for name, field in form._fields.items() if single_line in field.validators}
    assert single == {"text", "email", "password", "search", "url", "hidden"}


def test_base_form_gives_wtforms_messages_in_the_visitors_language(bare_app):
    class Probe(BaseForm):
        name = StringField()

    for cookie, expected in (("zh_Hant_TW", "此欄位是必需的。"), ("en", "This field is required.")):
        with bare_app.test_request_context(headers={"Cookie": f"lang={cookie}"}):
            assert Probe(formdata=None).meta.get_translations(None).gettext("This field is required.") == expected


def test_external_urls_honour_a_path_in_the_public_address(bare_app):
    bare_app.config["PUBLIC_BASE_URL"] = "https://gov.example.tw/participation/"
    try:
        with bare_app.app_context():
            assert external_url("meetings.show", meeting_id=3) == "https://gov.example.tw/participation/meetings/3"
        with bare_app.test_request_context(headers={"Host": "evil.example"}):
            assert external_url("calendar.feed", plan=2) == "https://gov.example.tw/participation/calendar.ics?plan=2"
    finally:
        bare_app.config["PUBLIC_BASE_URL"] = None


def test_without_a_public_address_tests_use_the_request_host_or_the_local_address(bare_app):
    with bare_app.test_request_context(base_url="http://127.0.0.1:8123"):
        assert external_url("meetings.show", meeting_id=3) == "http://127.0.0.1:8123/meetings/3"
    with bare_app.app_context():
        assert external_url("meetings.show", meeting_id=3) == "http://localhost/meetings/3"


@pytest.mark.parametrize("target, expected", [
    ("/meetings/3?page=2", "/meetings/3?page=2"),
    ("/meetings\r\nSet-Cookie: a=b", "/"), ("/\\evil.example", "/"), ("/\t/evil.example", "/"),
    ("//evil.example", "/"), ("https://evil.example/", "/"), ("meetings", "/"), (None, "/"), ("", "/"),
])
def test_safe_next_keeps_only_paths_on_this_site(target, expected):
    assert safe_next(target, "/") == expected


def imported_modules(path) -> set[str]:
    """The app modules a source file imports (relative imports resolved), at any depth in the file."""
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}".rstrip(".")
            found |= {base} | {f"{base}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def test_only_create_app_imports_setup_and_no_module_imports_the_home_page_blueprint():
    # setup.py and public.py imported each other (LANG_COOKIE, select_locale); shared helpers live in app/web.py.
    importers = {path.relative_to(ROOT).as_posix(): imported_modules(path) for path in (ROOT / "app").rglob("*.py")}
    assert sorted(p for p, names in importers.items() if "app.setup" in names) == ["app/__init__.py"]
    assert sorted(p for p, names in importers.items() if "app.public" in names) == ["app/setup.py"]
    assert "app.setup" not in importers["app/public.py"] and "app.web" in importers["app/public.py"]
