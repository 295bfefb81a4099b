"""A small PDF with a real text layer, written by hand (no PDF writer can set Chinese text without a font file):
a Type0 font with Identity-H glyph ids and a ToUnicode map from them to the characters, which is what readers
extract text from. Used by the tests of PDF opening."""

from __future__ import annotations


def make_pdf(pages: list[list[str]], title: str = "") -> bytes:
    characters = sorted({ch for page in pages for line in page for ch in line})
    cid = {ch: number + 1 for number, ch in enumerate(characters)}
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    mappings = b"\n".join(b"<%04X> <%04X>" % (cid[ch], ord(ch)) for ch in characters if ord(ch) < 0x10000)
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Custom def "
            b"1 begincodespacerange <0000> <FFFF> endcodespacerange "
            + str(len(characters)).encode() + b" beginbfchar\n" + mappings + b"\nendbfchar endcmap "
            b"CMapName currentdict /CMap defineresource pop end end")
    to_unicode = add(b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream")
    descriptor = add(b"<< /Type /FontDescriptor /FontName /Test /Flags 4 /FontBBox [0 -200 1000 900] "
                     b"/ItalicAngle 0 /Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 >>")
    cid_font = add(b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Test /CIDSystemInfo << /Registry (Adobe) "
                   b"/Ordering (Identity) /Supplement 0 >> /FontDescriptor %d 0 R /DW 1000 >>" % descriptor)
    font = add(b"<< /Type /Font /Subtype /Type0 /BaseFont /Test /Encoding /Identity-H /DescendantFonts [%d 0 R] "
               b"/ToUnicode %d 0 R >>" % (cid_font, to_unicode))
    page_ids = []
    pages_id = len(objects) + 2 * len(pages) + 1
    for page in pages:
        stream = b"BT /F1 12 Tf 14 TL 50 780 Td\n"
        for line in page:
            stream += b"<" + b"".join(b"%04X" % cid[ch] for ch in line) + b"> Tj T*\n"
        stream += b"ET"
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        page_ids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (pages_id, content, font)))
    assert add(b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % p for p in page_ids)
               + b"] /Count %d >>" % len(page_ids)) == pages_id
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    info = add(b"<< /Title <FEFF" + title.encode("utf-16-be").hex().upper().encode() + b"> >>")
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, catalog, info, xref)
    return bytes(out)


def encrypted(pdf: bytes, user_password: str, owner_password: str = "owner") -> bytes:
    """The PDF encrypted with AES-256 by pypdf's writer, as owner-restricted files (empty user password) and
    password-protected ones are."""
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
