"""The text of each page of a PDF that Chromium prints (Skia/PDF), read without poppler.

Enough of PDF for Chromium's own output: indirect objects, FlateDecode streams, the page tree, Type0
fonts with a ToUnicode CMap, and the text-showing operators Tj and TJ. Text is joined in drawing order
with no spaces between runs (positions are ignored), so a check should strip whitespace first."""
import re
import zlib

_OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
_STREAM = re.compile(rb"^(.*?)stream\r?\n(.*)\r?\nendstream", re.S)
_REF = re.compile(rb"(\d+) 0 R")
_HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")
_TEXT_OP = re.compile(rb"/(\S+)\s+[\d.]+\s+Tf|(<[0-9A-Fa-f\s]*>)\s*Tj|\[([^\]]*)\]\s*TJ"
                      rb"|/ActualText\s*<([0-9A-Fa-f\s]*)>\s*>>\s*BDC|\b(EMC)\b")


def _objects(data: bytes) -> dict:
    """Every indirect object: number → (dictionary bytes, decompressed stream bytes or None)."""
    objects = {}
    for number, body in _OBJECT.findall(data):
        found = _STREAM.match(body)
        if found:
            head, raw = found.groups()
            stream = zlib.decompress(raw) if b"/FlateDecode" in head else raw
            objects[int(number)] = (head, stream)
        else:
            objects[int(number)] = (body, None)
    return objects


def _balanced(data: bytes, start: int) -> bytes:
    """The << … >> dictionary that opens at `start`, nested dictionaries included."""
    depth, i = 0, start
    while True:
        if data.startswith(b"<<", i):
            depth, i = depth + 1, i + 2
        elif data.startswith(b">>", i):
            depth, i = depth - 1, i + 2
            if depth == 0:
                return data[start:i]
        else:
            i += 1


def _entry(head: bytes, key: bytes, objects: dict) -> bytes:
    """A dictionary entry's value: an inline << >> dictionary, or the dictionary of the object it refers to."""
    found = re.search(rb"/" + key + rb"\s*(<<|\d+ 0 R)", head)
    if not found:
        return b""
    if found.group(1) == b"<<":
        return _balanced(head, found.start(1))
    return objects[int(found.group(1).split()[0])][0]


def _cmap(stream: bytes) -> dict:
    """A ToUnicode CMap: character code (bytes) → text."""
    mapping = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
        pairs = _HEX.findall(block)
        for code, text in zip(pairs[::2], pairs[1::2], strict=True):
            mapping[bytes.fromhex(code.decode())] = bytes.fromhex(text.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
        for low, high, start in re.findall(rb"<(\w+)>\s*<(\w+)>\s*<(\w+)>", block):
            first, width = int(low, 16), len(low) // 2
            base = bytes.fromhex(start.decode()).decode("utf-16-be")
            for offset in range(int(high, 16) - first + 1):
                mapping[(first + offset).to_bytes(width, "big")] = base[:-1] + chr(ord(base[-1]) + offset)
    return mapping


def _fonts(page_head: bytes, objects: dict) -> dict:
    """The page's fonts by resource name: name → (code width in bytes, CMap)."""
    fonts = {}
    font_dict = _entry(_entry(page_head, b"Resources", objects), b"Font", objects)
    for name, number in re.findall(rb"/(\S+?)\s+(\d+) 0 R", font_dict):
        head = objects[int(number)][0]
        ref = re.search(rb"/ToUnicode\s+(\d+) 0 R", head)
        cmap = _cmap(objects[int(ref.group(1))][1]) if ref else {}
        fonts[name] = (2 if b"/Type0" in head else 1, cmap)
    return fonts


def _show(hex_string: bytes, font) -> str:
    width, cmap = font
    raw = bytes.fromhex(re.sub(rb"\s", b"", hex_string).decode())
    return "".join(cmap.get(raw[i:i + width], "") for i in range(0, len(raw), width))


def _page_text(page_head: bytes, objects: dict) -> str:
    fonts, font, parts, replaced = _fonts(page_head, objects), (1, {}), [], False
    contents = re.search(rb"/Contents\s*(\[.*?\]|\d+ 0 R)", page_head, re.S).group(1)
    for number in _REF.findall(contents):
        for name, single, array, actual, end in _TEXT_OP.findall(objects[int(number)][1]):
            if name:
                font = fonts.get(name, (1, {}))
            elif actual:  # the text a marked span stands for replaces its glyphs
                parts.append(bytes.fromhex(re.sub(rb"\s", b"", actual).decode()).decode("utf-16"))
                replaced = True
            elif end:
                replaced = False
            elif not replaced:
                parts.extend(_show(hex_string, font) for hex_string in _HEX.findall(single or array))
    return "".join(parts)


def page_texts(data: bytes) -> list[str]:
    """The text of each page, in page order."""
    objects = _objects(data)
    root = next(head for head, _ in objects.values() if re.search(rb"/Type\s*/Catalog", head))
    order = []

    def walk(number: int):
        head = objects[number][0]
        if re.search(rb"/Type\s*/Pages", head):
            for kid in _REF.findall(re.search(rb"/Kids\s*\[(.*?)\]", head, re.S).group(1)):
                walk(int(kid))
        else:
            order.append(head)
    walk(int(re.search(rb"/Pages\s+(\d+) 0 R", root).group(1)))
    return [_page_text(head, objects) for head in order]
