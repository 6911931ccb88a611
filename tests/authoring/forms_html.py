"""Read the forms of a page as a browser would submit them (stdlib HTML parser)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    action: str
    classes: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    names: set[str] = field(default_factory=set)  # every named control, submitted or not


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.textarea: str | None = None
        self.text = ""
        self.select: tuple[str, bool] | None = None
        self.options: list[tuple[str, bool]] = []
        self.option_value: str | None = None
        self.option_selected = False
        self.option_text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.form = Form(a.get("action") or "", a.get("class") or "")
            self.forms.append(self.form)
        if self.form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            self.form.names.add(name)
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.form.fields.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button"):
                self.form.fields.append((name, a.get("value") or ""))
        elif tag == "textarea" and name:
            self.form.names.add(name)
            self.textarea, self.text = name, ""
        elif tag == "select" and name:
            self.form.names.add(name)
            self.select, self.options = (name, "multiple" in a), []
        elif tag == "option" and self.select:
            self.option_value = a.get("value")
            self.option_selected = "selected" in a
            self.option_text = ""

    def handle_data(self, data):
        if self.textarea is not None:
            self.text += data
        if self.option_value is not None or self.select:
            self.option_text += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea is not None and self.form is not None:
            text = self.text.removeprefix("\r\n").removeprefix("\n")
            self.form.fields.append((self.textarea, text))
            self.textarea = None
        elif tag == "option" and self.select:
            value = self.option_value if self.option_value is not None else self.option_text
            self.options.append((value, self.option_selected))
            self.option_value = None
        elif tag == "select" and self.select and self.form is not None:
            name, multiple = self.select
            chosen = [v for v, s in self.options if s]
            if not chosen and not multiple and self.options:
                chosen = [self.options[0][0]]
            self.form.fields.extend((name, v) for v in chosen)
            self.select = None
        elif tag == "form":
            self.form = None


def forms(html: str) -> list[Form]:
    parser = _Parser()
    parser.feed(html)
    return parser.forms


def authoring_form(html: str) -> Form:
    """The page's main form (the first ``authoring-form`` without an action)."""
    return next(f for f in forms(html) if "authoring-form" in f.classes and not f.action)
