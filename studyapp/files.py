"""The user's files, read so that nothing hangs or eats memory, and written so that nothing is half-written.

A FIFO with no writer blocks ``read_bytes`` forever and ``/dev/zero`` never ends, while both report a size of 0:
only regular files are read, opened without blocking, and never past the limit plus one byte. An export goes to
a temporary file beside its target, is flushed to disk, and replaces the target in one rename, so a full disk
or a kill leaves the previous good file as it was.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import tempfile
import zipfile
from pathlib import Path

from .errors import StudyAppError

MAX_FILE_BYTES = 50 * 1024 * 1024
_CHUNK = 1 << 20


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_limited(path: str | Path, error: type[StudyAppError] = StudyAppError,
                 limit: int = MAX_FILE_BYTES) -> bytes:
    """A regular file's bytes, at most ``limit``; anything else raises ``error`` with a line for the user."""
    name = str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)  # without blocking: opening a FIFO with no writer waits otherwise
    except FileNotFoundError:
        raise error(f"{name}: no such file.") from None
    except IsADirectoryError:
        raise error(f"{name} is a folder, not a file.") from None
    except PermissionError:
        raise error(f"{name}: permission denied.") from None
    except OSError as failure:
        raise error(f"{name} could not be read: {failure.strerror or failure}.") from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise error(f"{name} is {_kind(info.st_mode)}, not a file studyapp can read.")
        if info.st_size > limit:
            raise error(f"{name} is {info.st_size / 1024 / 1024:.0f} MB; studyapp reads files of up to "
                        f"{limit // 1024 // 1024} MB.")
        if hasattr(os, "set_blocking"):
            os.set_blocking(descriptor, True)
        chunks, total = [], 0
        while total <= limit:  # a file that grows while it is read still stops one byte past the limit
            chunk = os.read(descriptor, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise error(f"{name} is larger than {limit // 1024 // 1024} MB; studyapp reads files of up to "
                        f"{limit // 1024 // 1024} MB.")
        return b"".join(chunks)
    except OSError as failure:
        raise error(f"{name} could not be read: {failure.strerror or failure}.") from None
    finally:
        os.close(descriptor)


def write_atomically(path: str | Path, data: bytes, error: type[StudyAppError] = StudyAppError) -> None:
    """Write ``data`` to ``path`` all or nothing: a failure (a full disk, a kill) leaves any earlier file whole."""
    path = Path(path)
    try:
        existing = path.stat()
    except FileNotFoundError:
        existing = None
    except OSError as failure:
        raise error(f"{path} cannot be written: {failure.strerror or failure}.") from None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        raise error(f"{path} is {_kind(existing.st_mode)}; choose a file name to write to.")
    if existing is not None and _read_only(existing):
        raise error(f"{path} is read-only; it was left as it was. Choose another file name, or make it writable.")
    directory = path.parent if str(path.parent) else Path(".")
    temporary = None
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=directory)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, stat.S_IMODE(existing.st_mode) if existing else 0o666 & ~_umask())
        os.replace(temporary, path)
        temporary = None
    except OSError as failure:
        kept = " The file that was there is unchanged." if existing is not None else ""
        raise error(f"{path} cannot be written: {failure.strerror or failure}.{kept}") from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _read_only(info: os.stat_result) -> bool:
    """Whether the file's mode bits deny us writing, as an editor asks before saving: the rename that replaces
    it needs only the folder's permission, and root may write anything, so ``os.access`` would say yes. The bits
    of our class (owner, group, others) decide; root counts as the owner."""
    uid = os.geteuid() if hasattr(os, "geteuid") else info.st_uid
    if uid in (0, info.st_uid):
        return not info.st_mode & stat.S_IWUSR
    if info.st_gid in _our_groups():
        return not info.st_mode & stat.S_IWGRP
    return not info.st_mode & stat.S_IWOTH


def _our_groups() -> set[int]:
    """The process's group ids, effective and supplementary."""
    if not hasattr(os, "getegid"):
        return set()
    return {os.getegid(), *os.getgroups()}


def _umask() -> int:
    """The process's umask, read without setting it (``os.umask`` would change it for every thread meanwhile)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


def check_unpacked(data: bytes, name: str, error: type[StudyAppError] = StudyAppError,
                   limit: int = MAX_FILE_BYTES) -> None:
    """Refuse a zip (DOCX, EPUB) whose members unpack past ``limit`` before anything is unpacked: a 340 KB DOCX
    unpacking to 200 MB took 4.5 GB of memory. The sizes come from the zip's directory, and zipfile never
    inflates a member past the size given there."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as failure:
        raise error(f"{name} is a damaged archive ({failure}).") from None
    if unpacked > limit:
        raise error(f"{name} unpacks to {unpacked / 1024 / 1024:,.0f} MB; studyapp reads files of up to "
                    f"{limit // 1024 // 1024} MB unpacked.")
