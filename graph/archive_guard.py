"""Inspecting zip containers (CSV-folder uploads, XLSX workbooks) before anything opens them.

Why: neither :mod:`zipfile` nor openpyxl limits what an archive may unpack
to, so a 50 KB upload can inflate to gigabytes (a zip bomb) in memory or on
disk. A zip's central directory declares every member's sizes, so a bomb is
refused from those numbers before one byte is inflated; declared sizes can
lie, so every read also counts the bytes that really come out and stops at
the limit (and at the declared size, which :mod:`zipfile` enforces too).

An XLSX workbook is a zip of XML parts. Besides the size checks, a workbook
with VBA macros (``xl/vbaProject.bin``, a macro-enabled content type) or with
links to other files (``xl/externalLinks/``, any relationship with
``TargetMode="External"`` other than a cell hyperlink) is refused: the
importer reads cached cell values, and a formula's cached value from another
workbook would be imported as if the steward had typed it, while Excel
fetches such links (and may run the macros) when someone opens the file.
Cell hyperlinks are kept: Excel makes one from every URL typed into a cell
(the ``website`` column), and nothing follows them on reading.

Every refusal is an :class:`~graph.errors.InvalidInput` with one
:class:`~graph.errors.Problem` naming the file, the member and what is wrong,
so the CLI prints it in its report and the API answers 400 like any other bad
import; nothing has been written by then.

Examples:
    >>> import io, zipfile
    >>> buf = io.BytesIO()
    >>> with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
    ...     z.writestr("zeros.csv", bytes(5_000_000))
    >>> check_declared(zipfile.ZipFile(buf), "bomb.zip", ZipLimits())
    Traceback (most recent call last):
    ...
    graph.errors.InvalidInput: bomb.zip is refused: zeros.csv would unpack ...
"""

from __future__ import annotations

import errno
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Protocol
from xml.etree import ElementTree

from .errors import InvalidInput, Problem

#: Defaults, also the defaults of the same-named fields of :class:`graph.settings.Settings`.
MAX_UNPACKED_BYTES = 200_000_000
MAX_UNPACK_RATIO = 100.0
MAX_ZIP_MEMBERS = 1_000
#: Members smaller than this are not held to the ratio: tiny parts compress unpredictably.
RATIO_GRACE_BYTES = 1_000_000
CHUNK = 1 << 16
#: Generous room per member in the central directory (46 bytes, the name, extra fields, comment).
DIRECTORY_BYTES_PER_MEMBER = 1_024
#: The end-of-central-directory record is within the last 22 + 65,535 (comment) bytes.
_TAIL = 22 + 65_535 + 20 + 56
_END = b"PK\x05\x06"
#: Relationship types that point outside the file but are never followed on reading.
HARMLESS_EXTERNAL = ("/hyperlink",)
#: File system errors a member's path can cause (as opposed to a full disk): the upload's fault.
_CLASHES = {errno.EEXIST, errno.ENOTDIR, errno.EISDIR, errno.ENAMETOOLONG, errno.EINVAL, errno.EILSEQ}


class HasLimits(Protocol):
    """Anything carrying the three limits under their settings names (e.g. ``Settings``)."""

    max_unpacked_bytes: int
    max_unpack_ratio: float
    max_zip_members: int


@dataclass(frozen=True)
class ZipLimits:
    """How much a zip may unpack to, how densely, and in how many members."""

    max_unpacked_bytes: int = MAX_UNPACKED_BYTES
    max_unpack_ratio: float = MAX_UNPACK_RATIO
    max_zip_members: int = MAX_ZIP_MEMBERS

    @classmethod
    def of(cls, settings: HasLimits) -> ZipLimits:
        """The limits configured in ``settings`` (a :class:`graph.settings.Settings`)."""
        return cls(settings.max_unpacked_bytes, settings.max_unpack_ratio, settings.max_zip_members)


def refused(label: str, message: str, *, member: str = "", code: str = "unsafe_archive") -> InvalidInput:
    """The error for a refused archive: one problem naming the file, the member and the reason."""
    problem = Problem(message, file=label, value=member, code=code)
    return InvalidInput([problem], f"{label} is refused: {message}; nothing was changed")


def _ratio(unpacked: int, packed: int) -> float:
    return unpacked / max(packed, 1)


def check_declared(z: zipfile.ZipFile, label: str, limits: ZipLimits) -> None:
    """Refuse from the central directory alone: too many members, too large, too dense."""
    infos = z.infolist()
    if len(infos) > limits.max_zip_members:
        raise refused(label, f"it holds {len(infos):,} members, more than max_zip_members = "
                      f"{limits.max_zip_members:,}", code="zip_members")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise refused(label, f"{info.filename} is encrypted; send the file without a password",
                          member=info.filename, code="zip_encrypted")
        ratio = _ratio(info.file_size, info.compress_size)
        if info.file_size > RATIO_GRACE_BYTES and ratio > limits.max_unpack_ratio:
            raise refused(label, f"{info.filename} would unpack {info.file_size:,} bytes from "
                          f"{info.compress_size:,} (ratio {ratio:,.0f}:1, more than "
                          f"max_unpack_ratio = {limits.max_unpack_ratio:g}): a zip bomb",
                          member=info.filename, code="zip_bomb")
        total += info.file_size
        if total > limits.max_unpacked_bytes:
            raise refused(label, f"it would unpack to more than max_unpacked_bytes = "
                          f"{limits.max_unpacked_bytes:,} bytes (declared sizes): a zip bomb",
                          member=info.filename, code="zip_bomb")


class Meter:
    """Counts the bytes really inflated, across members, and stops at any limit."""

    def __init__(self, label: str, limits: ZipLimits) -> None:
        self.label, self.limits, self.total = label, limits, 0

    def read(self, z: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
        """The member's bytes in chunks; refuses as soon as a limit or its declared size is passed."""
        name, seen = info.filename, 0
        try:
            with z.open(info) as f:
                while chunk := f.read(CHUNK):
                    seen += len(chunk)
                    self.total += len(chunk)
                    self._check(info, seen)
                    yield chunk
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
            raise refused(self.label, f"{name} does not match the size and checksum the zip "
                          f"declares for it (a forged or damaged archive): {exc}",
                          member=name, code="zip_damaged") from None
        except (NotImplementedError, RuntimeError) as exc:  # unknown method, encryption
            raise refused(self.label, f"{name} cannot be unpacked: {exc}", member=name,
                          code="zip_unsupported") from None

    def _check(self, info: zipfile.ZipInfo, seen: int) -> None:
        name, limits = info.filename, self.limits
        if seen > info.file_size:
            raise refused(self.label, f"{name} unpacks to more than the {info.file_size:,} bytes "
                          "it declares: a forged archive", member=name, code="zip_bomb")
        if self.total > limits.max_unpacked_bytes:
            raise refused(self.label, f"it unpacks to more than max_unpacked_bytes = "
                          f"{limits.max_unpacked_bytes:,} bytes: a zip bomb", member=name,
                          code="zip_bomb")
        if seen > RATIO_GRACE_BYTES and _ratio(seen, info.compress_size) > limits.max_unpack_ratio:
            raise refused(self.label, f"{name} unpacks more than max_unpack_ratio = "
                          f"{limits.max_unpack_ratio:g} times its packed size: a zip bomb",
                          member=name, code="zip_bomb")


def directory_of(path: Path) -> tuple[int, int]:
    """Members and bytes of the central directory, as the end record declares them (zip64 too).

    Read before :class:`zipfile.ZipFile` parses the directory: it builds one
    object per member, so 50 MB of empty entries would cost it seconds and
    hundreds of megabytes before any limit could be checked. The end record is
    found the way :mod:`zipfile` finds it (the last 22 bytes, else the last
    signature in the trailing 64 KB; a zip64 record just before its locator),
    so the size checked is the size :mod:`zipfile` will read. ``(0, 0)`` when
    there is none (then :mod:`zipfile` refuses the file itself).
    """
    with open(path, "rb") as f:
        f.seek(0, 2)
        f.seek(max(0, f.tell() - _TAIL))
        tail = f.read()
    at = len(tail) - 22
    if at < 0 or tail[at:at + 4] != _END or tail[-2:] != b"\0\0":
        at = tail.rfind(_END)
    if at < 0 or len(tail) < at + 22:
        return 0, 0
    members, directory = struct.unpack_from("<HI", tail, at + 10)
    locator = at - 20
    if locator >= 56 and tail[locator:locator + 4] == b"PK\x06\x07":
        record = tail[locator - 56:locator]
        if record[:4] == b"PK\x06\x06":
            members, directory = struct.unpack_from("<QQ", record, 32)
    return members, directory


def open_zip(path: Path, label: str | None = None, limits: ZipLimits | None = None) -> zipfile.ZipFile:
    """``path`` opened as a zip, or a refusal saying it is not one.

    With ``limits``, the member count the end record declares, and the size of
    the central directory, are checked before :mod:`zipfile` parses it.
    """
    label = label or Path(path).name
    if limits is not None:
        members, directory = directory_of(path)
        if members > limits.max_zip_members:
            raise refused(label, f"it holds {members:,} members, more than max_zip_members = "
                          f"{limits.max_zip_members:,}", code="zip_members")
        if directory > limits.max_zip_members * DIRECTORY_BYTES_PER_MEMBER:
            raise refused(label, f"its central directory takes {directory:,} bytes, too many for "
                          f"max_zip_members = {limits.max_zip_members:,}", code="zip_members")
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise refused(label, f"it is not a readable zip archive: {exc}", code="zip_damaged") from None


def verify_zip(path: Path, limits: ZipLimits | None = None, label: str | None = None) -> None:
    """Check the declared sizes, then inflate every member once (into nothing) under a meter."""
    label, limits = label or Path(path).name, limits or ZipLimits()
    with open_zip(path, label, limits) as z:
        check_declared(z, label, limits)
        meter = Meter(label, limits)
        for info in z.infolist():
            for _ in meter.read(z, info):
                pass


def member_path(name: str) -> PurePosixPath | None:
    """The relative path of a member, or None when it is absolute or climbs out (``..``).

    Examples:
        >>> member_path("testville/actors.csv"), member_path("../x.csv"), member_path("C:/x")
        (PurePosixPath('testville/actors.csv'), None, None)
    """
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        return None
    return path


def extract_zip(path: Path, folder: Path, limits: ZipLimits | None = None,
                label: str | None = None) -> None:
    """Unpack ``path`` into ``folder`` under the limits; unsafe member paths are refused first."""
    label, limits = label or Path(path).name, limits or ZipLimits()
    with open_zip(path, label, limits) as z:
        targets = []
        for info in z.infolist():
            rel = member_path(info.filename)
            if rel is None:
                raise refused(label, "unsafe path in the zip", member=info.filename, code="unsafe_path")
            targets.append((info, rel))
        check_declared(z, label, limits)
        meter = Meter(label, limits)
        folder.mkdir(parents=True, exist_ok=True)
        for info, rel in targets:
            target = folder.joinpath(*rel.parts)
            if info.is_dir() or not rel.parts:
                target.mkdir(parents=True, exist_ok=True)
                continue
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                with open(target, "wb") as out:
                    for chunk in meter.read(z, info):
                        out.write(chunk)
            except OSError as exc:
                if exc.errno not in _CLASHES:
                    raise
                raise refused(label, f"{info.filename} cannot be unpacked: {exc.strerror} (a file "
                              "and a folder of the same name, or an overlong name)",
                              member=info.filename, code="unsafe_path") from None


def check_workbook(path: Path, limits: ZipLimits | None = None, label: str | None = None) -> None:
    """Refuse an XLSX that is a zip bomb, carries macros or links to other files.

    A file that is not a zip at all is left to the workbook reader, which
    reports it as unreadable.
    """
    label, limits = label or Path(path).name, limits or ZipLimits()
    if not zipfile.is_zipfile(path):
        return
    verify_zip(path, limits, label)
    with open_zip(path, label) as z:
        _check_macros(z, label)
        _check_links(z, label)


def _xml(z: zipfile.ZipFile, name: str, label: str) -> ElementTree.Element:
    try:
        return ElementTree.fromstring(z.read(name))
    except ElementTree.ParseError as exc:
        raise refused(label, f"{name} is not well-formed XML: {exc}", member=name,
                      code="bad_xlsx") from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _check_macros(z: zipfile.ZipFile, label: str) -> None:
    for name in z.namelist():
        if PurePosixPath(name).name.lower() == "vbaproject.bin":
            raise refused(label, f"it contains macros ({name}); save it as .xlsx without macros",
                          member=name, code="xlsx_macros")
    if "[Content_Types].xml" not in z.namelist():
        return
    for node in _xml(z, "[Content_Types].xml", label).iter():
        kind = node.get("ContentType", "")
        if "macroenabled" in kind.lower() or "vbaproject" in kind.lower():
            part = node.get("PartName") or node.get("Extension") or ""
            raise refused(label, f"it contains macros ({part.lstrip('/')}: {kind}); save it as "
                          ".xlsx without macros", member=part.lstrip("/"), code="xlsx_macros")


def _check_links(z: zipfile.ZipFile, label: str) -> None:
    for name in z.namelist():
        if not name.endswith(".rels"):
            continue
        for rel in _xml(z, name, label).iter():
            if _local(rel.tag) != "Relationship" or rel.get("TargetMode", "").lower() != "external":
                continue
            if rel.get("Type", "").endswith(HARMLESS_EXTERNAL):
                continue
            target = rel.get("Target", "")
            raise refused(label, f"it links to an external file or address {target!r} ({name}); "
                          "copy the values into the workbook and remove the link",
                          member=target, code="xlsx_external_link")
    for name in z.namelist():
        if name.lower().startswith("xl/externallinks/"):
            raise refused(label, f"it links to another workbook ({name}); copy the values into "
                          "the workbook and remove the link", member=name, code="xlsx_external_link")
