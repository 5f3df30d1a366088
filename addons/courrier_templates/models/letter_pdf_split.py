"""Splitting the PDF of a batch of letters into one PDF per letter.

wkhtmltopdf renders a whole batch in one run; each letter starts with a marker link
(``MARKER_URL`` % the letter's id, see report/letter_report.xml) that becomes a link
annotation of the page where the letter starts. Finding the markers reads only the
pages' annotations (no text extraction).

The split copies the bytes of the objects each letter uses (its pages, their contents,
the fonts and images they share with the other letters) from the batch's file and
renumbers their references: nothing is decoded or re-encoded, so a letter costs about
the size of its file in bytes copied. PyPDF2's writer, by comparison, re-serialises the
shared fonts of every letter object by object (about 30 ms a letter). A file this copy
does not understand (compressed cross-reference, object streams, a nested page tree,
an object shared between the pages of two letters) is split by PyPDF2's writer instead.
"""

import io
import logging
import re

from odoo.tools.pdf import ArrayObject, NameObject, PdfFileReader, PdfFileWriter

_logger = logging.getLogger(__name__)

# The link starting each letter (".invalid" is reserved: it never resolves).
MARKER_URL = "https://courrier.invalid/letter/%s"
MARKER_URI = re.compile(r"^https://courrier\.invalid/letter/(\d+)$")
_MARKER_BYTES = re.compile(rb"/URI\s*\(https://courrier\.invalid/letter/(\d+)\)")

# An indirect reference, a string, a hex string or a dictionary, or the stream keyword.
_TOKEN = re.compile(rb"(?<![\w.+\-/])(\d+)\s+(\d+)\s+R(?!\w)|[(<]|(?<![/\w])stream(?=[\r\n])")
_STRING_DELIMITER = re.compile(rb"[()\\]")
_INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")


class NotSplittable(Exception):
    """The file is not one the byte copy understands."""


def letter_starts(reader):
    """``([(first page, letter id)], {page number: (annotations, kept refs)})`` of a
    batch's PDF read by PyPDF2, from its marker links."""
    starts = []
    annots = {}
    for number, page in enumerate(reader.pages):
        refs = page.raw_get("/Annots") if "/Annots" in page else None
        if refs is None:
            continue
        kept = []
        for ref in refs.get_object():
            annot = ref.get_object()
            action = annot.get("/A")
            found = MARKER_URI.match(str(action.get("/URI", ""))) if action else None
            if found:
                starts.append((number, int(found.group(1))))
            else:
                kept.append(ref)
        if len(kept) != len(refs.get_object()):
            annots[number] = (refs, kept)
    return starts, annots


def _string_end(body, index):
    """The index after the literal string opened before ``index``."""
    depth = 1
    while depth:
        found = _STRING_DELIMITER.search(body, index)
        if not found:
            raise NotSplittable("unterminated string")
        index = found.end()
        if found.group(0) == b"\\":
            index += 1
        else:
            depth += 1 if found.group(0) == b"(" else -1
    return index


def _segments(body):
    """``(parts, refs)``: ``body`` cut around its references (``len(parts) == len(refs)
    + 1``); strings, hex strings and stream data are left untouched."""
    parts, refs = [], []
    start = index = 0
    while True:
        found = _TOKEN.search(body, index)
        if not found:
            break
        token = found.group(0)
        if found.group(1):
            if found.group(2) != b"0":
                raise NotSplittable("generation number")
            parts.append(body[start : found.start()])
            refs.append(int(found.group(1)))
            start = index = found.end()
        elif token == b"stream":
            break
        elif token == b"(":
            index = _string_end(body, found.end())
        elif body[found.end() : found.end() + 1] == b"<":
            index = found.end() + 1
        else:
            end = body.find(b">", found.end())
            if end < 0:
                raise NotSplittable("unterminated hex string")
            index = end + 1
    parts.append(body[start:])
    return parts, refs


class _Objects:
    """The objects of a PDF with one classic cross-reference table, by number: their
    bytes cut around their references."""

    def __init__(self, raw):
        startxref = raw.rfind(b"startxref")
        if startxref < 0 or raw.count(b"startxref") != 1:
            raise NotSplittable("several cross-reference sections")
        xref = int(raw[startxref + 9 :].split()[0])
        if raw[xref : xref + 4] != b"xref":
            raise NotSplittable("cross-reference stream")
        trailer = raw.find(b"trailer", xref)
        if trailer < 0:
            raise NotSplittable("no trailer")
        offsets = {}
        lines = raw[xref + 4 : trailer].split()
        index = 0
        while index < len(lines):
            first, count = int(lines[index]), int(lines[index + 1])
            entries = lines[index + 2 : index + 2 + 3 * count]
            for number in range(count):
                offset, generation, kind = entries[3 * number : 3 * number + 3]
                if kind == b"n":
                    if generation != b"00000":
                        raise NotSplittable("generation number")
                    offsets[first + number] = int(offset)
            index += 2 + 3 * count
        ordered = sorted(offsets.items(), key=lambda item: item[1])
        if not ordered or ordered[-1][1] >= xref:
            raise NotSplittable("object after the cross-reference table")
        self.raw = raw
        self.spans = {}
        for index, (number, offset) in enumerate(ordered):
            end = ordered[index + 1][1] if index + 1 < len(ordered) else xref
            self.spans[number] = (offset, end)
        self._cut = {}
        self.trailer = _segments(raw[trailer + 7 : startxref])
        if b"/Encrypt" in b"".join(self.trailer[0]):
            raise NotSplittable("encrypted")

    def cut(self, number):
        """``(parts, refs)`` of object ``number`` (its text after ``N 0 obj``)."""
        if number not in self._cut:
            if number not in self.spans:
                raise NotSplittable("missing object")
            offset, end = self.spans[number]
            header = b"%d 0 obj" % number
            if not self.raw.startswith(header, offset):
                raise NotSplittable("object not at its offset")
            self._cut[number] = _segments(self.raw[offset + len(header) : end])
        return self._cut[number]

    def text(self, number):
        return b"".join(self.cut(number)[0])

    def ref(self, cut, key):
        """The object number that the entry ``key`` of a cut dictionary refers to."""
        parts, refs = cut
        for part, ref in zip(parts, refs, strict=False):
            if part.rstrip().endswith(key):
                return ref
        return None


def _copy_split(raw):
    """``[(letter id, PDF)]`` of each letter, by copying the bytes of its objects."""
    objects = _Objects(raw)
    catalog = objects.ref(objects.trailer, b"/Root")
    tree_number = objects.ref(objects.cut(catalog), b"/Pages") if catalog else None
    if not tree_number:
        raise NotSplittable("no page tree")
    tree_text = objects.text(tree_number)
    pages = objects.cut(tree_number)[1]
    if b"/Parent" in tree_text or any(key.encode() in tree_text for key in _INHERITED):
        raise NotSplittable("nested page tree")
    all_pages = set(pages)
    starts = []
    overrides = {}
    markers = set()
    for index, page in enumerate(pages):
        page_cut = objects.cut(page)
        page_text = b"".join(page_cut[0])
        if b"/Type /Page" not in page_text or b"/Type /Pages" in page_text:
            raise NotSplittable("nested page tree")
        annots = objects.ref(page_cut, b"/Annots")
        if annots is None:
            if b"/Annots" in page_text:
                raise NotSplittable("annotations inside the page")
            continue
        kept = []
        for annot in objects.cut(annots)[1]:
            found = _MARKER_BYTES.search(objects.text(annot))
            if found:
                starts.append((index, int(found.group(1))))
                markers.add(annot)
            else:
                kept.append(annot)
        if len(kept) != len(objects.cut(annots)[1]):
            parts = [b"\n["] + [b" "] * max(len(kept) - 1, 0) + [b"]\nendobj\n"]
            overrides[annots] = (parts if kept else [b"\n[]\nendobj\n"], kept)
    firsts = [first for first, _letter_id in starts]
    if not firsts or firsts[0] != 0 or firsts != sorted(set(firsts)):
        raise NotSplittable("no markers")
    header = raw[: raw.index(b"\n") + 1] + b"%\xe2\xe3\xcf\xd3\n"
    results = []
    for index, (first, letter_id) in enumerate(starts):
        last = starts[index + 1][0] if index + 1 < len(starts) else len(pages)
        own = pages[first:last]
        # the letter's objects, numbered in the order they are reached from its pages
        new = {tree_number: 2}
        order = []
        stack = list(reversed(own))
        while stack:
            number = stack.pop()
            if number in new:
                continue
            if number in markers or (number in all_pages and number not in own):
                raise NotSplittable("object shared across letters")
            new[number] = len(order) + 3
            order.append(number)
            _parts, refs = overrides.get(number) or objects.cut(number)
            stack.extend(reversed(refs))
        bodies = [
            b"\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n",
            b"\n<< /Type /Pages /Kids [%s] /Count %d >>\nendobj\n"
            % (b" ".join(b"%d 0 R" % new[page] for page in own), len(own)),
        ]
        for number in order:
            parts, refs = overrides.get(number) or objects.cut(number)
            body = [parts[0]]
            for ref, part in zip(refs, parts[1:], strict=True):
                body.append(b"%d 0 R" % new[ref])
                body.append(part)
            bodies.append(b"".join(body))
        results.append((letter_id, _pdf_file(header, bodies)))
    return results


def _pdf_file(header, bodies):
    """A PDF file of the objects ``bodies`` (their text after ``N 0 obj``), numbered
    from 1, the first one its catalog."""
    chunks = [header]
    offsets = []
    size = len(header)
    for number, body in enumerate(bodies, start=1):
        offsets.append(size)
        chunk = b"%d 0 obj" % number + body
        chunks.append(chunk)
        size += len(chunk)
    count = len(bodies) + 1
    chunks.append(b"xref\n0 %d\n0000000000 65535 f \n" % count)
    chunks += [b"%010d 00000 n \n" % offset for offset in offsets]
    chunks.append(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (count, size))
    return b"".join(chunks)


def _writer_split(reader, starts, annots):
    """``[PDF]`` of each letter, by PyPDF2's writer (any PDF, slow)."""
    for number, (_refs, kept) in annots.items():
        reader.pages[number][NameObject("/Annots")] = ArrayObject(kept)
    results = []
    for index, (first, _letter_id) in enumerate(starts):
        last = starts[index + 1][0] if index + 1 < len(starts) else len(reader.pages)
        writer = PdfFileWriter()
        for number in range(first, last):
            writer.add_page(reader.pages[number])
        stream = io.BytesIO()
        writer.write(stream)
        results.append(stream.getvalue())
    return results


def split_letters(raw):
    """``[(letter id, PDF)]`` of a batch's PDF in the order of its letters, without
    their marker links; ``[]`` when the first page has no marker."""
    try:
        return _copy_split(raw)
    except NotSplittable as error:
        _logger.info("Letters split by PyPDF2's writer (%s)", error)
    reader = PdfFileReader(io.BytesIO(raw), strict=False)
    starts, annots = letter_starts(reader)
    firsts = [first for first, _letter_id in starts]
    if not firsts or firsts[0] != 0 or firsts != sorted(set(firsts)):
        return []
    pdfs = _writer_split(reader, starts, annots)
    return [(letter_id, pdf) for (_first, letter_id), pdf in zip(starts, pdfs, strict=True)]
