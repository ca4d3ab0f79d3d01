"""Where central keeps attachment files: a local folder by default, or S3-compatible storage.

Uploads arrive through tus (tuspyserver) into a storage backend; when an upload is complete
and its SHA-256 matches the record, it is moved to its permanent place, named by record id
and attachment name:

    local:  DATA/files/<record id>/<name>          (uploads in progress: DATA/uploads/)
    S3:     <prefix>files/<record id>/<name>         (uploads in progress: <prefix>uploads/)

The files stay sealed to the council's key exactly as the kiosk sent them; only the back
office, which holds the private key, can open them.

The SHA-256 is worked out as the bytes stream in (`HashingStorage`), so checking a finished
upload costs no second read; after a restart in the middle of an upload the hash is
rebuilt from the stored bytes instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import json
import os
import re
import time
from pathlib import Path
from urllib.parse import urlparse

from tuspyserver.storage import TusStorage

from central.keys import private_dir
from sync.store import fsync_dir

_UID = re.compile(r"\A[0-9a-f]{32}\Z")


class HashingStorage(TusStorage):
    """A tus storage backend that keeps a running SHA-256 of each upload's bytes.

    Each central worker process hashes the requests it serves. At the first chunk of each
    request the hash is checked against the bytes stored so far: if another process took
    part of this upload (or this one restarted), the hash is marked unknown and rebuilt
    from the stored file when the upload completes.
    """

    def __init__(self, inner: TusStorage) -> None:
        self.inner = inner
        self._hashes: dict[str, tuple[object, int]] = {}  # uid -> (sha256 object, bytes hashed)
        self._unknown: set[str] = set()
        self._in_request: set[str] = set()  # checked at this request's first chunk

    async def create(self, uid: str) -> None:
        await self.inner.create(uid)
        self._hashes[uid] = (hashlib.sha256(), 0)
        self._unknown.discard(uid)

    async def exists(self, uid: str) -> bool:
        return await self.inner.exists(uid)

    async def size(self, uid: str) -> int:
        return await self.inner.size(uid)

    async def append(self, uid: str, chunk: bytes) -> None:
        if uid not in self._in_request:
            self._in_request.add(uid)
            stored = await self.inner.size(uid)
            state = self._hashes.get(uid)
            if state is None and stored == 0:
                self._hashes[uid] = (hashlib.sha256(), 0)  # created by another process
                self._unknown.discard(uid)
            elif state is None or state[1] != stored:
                self._unknown.add(uid)
        await self.inner.append(uid, chunk)
        if uid in self._hashes and uid not in self._unknown:
            digest, count = self._hashes[uid]
            digest.update(chunk)
            self._hashes[uid] = (digest, count + len(chunk))

    async def flush(self, uid: str) -> None:
        self._in_request.discard(uid)
        await self.inner.flush(uid)

    async def finalize(self, uid: str) -> None:
        await self.inner.finalize(uid)

    async def read(self, uid: str) -> bytes | None:
        return await self.inner.read(uid)

    async def delete(self, uid: str) -> None:
        self.forget(uid)
        await self.inner.delete(uid)

    async def read_info(self, uid: str):
        return await self.inner.read_info(uid)

    async def write_info(self, uid: str, data) -> None:
        await self.inner.write_info(uid, data)

    async def list_uids(self) -> list[str]:
        return await self.inner.list_uids()

    def location(self, uid: str) -> str:
        return self.inner.location(uid)

    def lock(self, uid: str):
        return self.inner.lock(uid)

    def forget(self, uid: str) -> None:
        self._hashes.pop(uid, None)
        self._unknown.discard(uid)
        self._in_request.discard(uid)

    async def sha256(self, uid: str) -> tuple[str, int] | None:
        """(hex digest, size) of the stored upload, or None if it is gone."""
        size = await self.inner.size(uid)
        state = self._hashes.get(uid)
        if state is not None and uid not in self._unknown and state[1] == size:
            return state[0].hexdigest(), size
        data = await self.inner.read(uid)  # restarted part way, or an append that failed
        if data is None:
            return None
        return await asyncio.to_thread(lambda: hashlib.sha256(data).hexdigest()), len(data)


class LocalStorage(TusStorage):
    """Uploads in progress as plain files, `<folder>/<uid>` and `<folder>/<uid>.info`.

    Unlike tuspyserver's own local backend, small file operations run inline (they take
    microseconds; a thread hand-off costs more) and bytes are written as they arrive rather
    than gathered in memory. The data is flushed to disk once, when the upload is complete
    and before central counts it as received (so before any receipt), instead of at every
    request. If the machine loses power part way through an upload, the offset may run
    ahead of the bytes that reached the disk; the finished file then fails its SHA-256, is
    discarded and the kiosk sends it again. Nothing is acknowledged that is not on disk.

    Several central worker processes may share the folder: an upload is locked with flock.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._open: dict[str, object] = {}

    def _path(self, uid: str) -> Path:
        if not _UID.match(uid):
            raise ValueError("not an upload id")
        return self.folder / uid

    def location(self, uid: str) -> str:
        return str(self._path(uid))

    async def create(self, uid: str) -> None:
        self._path(uid).touch(mode=0o600)

    async def exists(self, uid: str) -> bool:
        return bool(_UID.match(uid)) and self._path(uid).exists()  # a made-up id: not found

    async def size(self, uid: str) -> int:
        if not _UID.match(uid):
            return 0
        path = self._path(uid)
        return path.stat().st_size if path.exists() else 0

    async def append(self, uid: str, chunk: bytes) -> None:
        handle = self._open.get(uid)
        if handle is None:
            handle = self._open[uid] = open(self._path(uid), "ab")
        handle.write(chunk)

    async def flush(self, uid: str) -> None:
        handle = self._open.pop(uid, None)
        if handle is not None:
            handle.close()

    async def finalize(self, uid: str) -> None:
        await self.flush(uid)

        def sync() -> None:
            fd = os.open(self._path(uid), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        await asyncio.to_thread(sync)

    async def read(self, uid: str) -> bytes | None:
        path = self._path(uid)
        return await asyncio.to_thread(path.read_bytes) if path.exists() else None

    async def delete(self, uid: str) -> None:
        await self.flush(uid)
        for path in (self._path(uid), Path(f"{self._path(uid)}.info"), self.folder / ".locks" / uid):
            path.unlink(missing_ok=True)

    async def read_info(self, uid: str):
        if not _UID.match(uid):
            return None
        try:
            return json.loads(Path(f"{self._path(uid)}.info").read_text())
        except (OSError, ValueError):
            return None

    async def write_info(self, uid: str, data) -> None:
        path = Path(f"{self._path(uid)}.info")
        scratch = path.with_suffix(".tmp")
        scratch.write_text(json.dumps(data, default=str))
        os.replace(scratch, path)

    async def list_uids(self) -> list[str]:
        return [p.name for p in self.folder.iterdir() if _UID.match(p.name)]

    @contextlib.asynccontextmanager
    async def lock(self, uid: str, timeout: float = 30.0):
        """Exclusive use of one upload across central's worker processes (flock)."""
        locks = self.folder / ".locks"
        locks.mkdir(exist_ok=True, mode=0o700)
        fd = os.open(locks / self._path(uid).name, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise TimeoutError("the upload is busy") from None
                    await asyncio.sleep(0.01)
            yield
        finally:
            os.close(fd)  # releases the lock


class LocalFiles:
    """Attachments in folders under central's data directory."""

    def __init__(self, data_dir: Path) -> None:
        self.uploads = data_dir / "uploads"
        self.root = data_dir / "files"
        for folder in (self.uploads, self.root):
            private_dir(folder)
        self.tus = HashingStorage(LocalStorage(self.uploads))

    def describe(self) -> str:
        return f"folder {self.root}"

    def keep_sync(self, uid: str, record_id: str, name: str) -> None:
        """Move a finished upload to its permanent name (atomic: same file system)."""
        source = Path(self.tus.location(uid))
        folder = self.root / record_id
        folder.mkdir(exist_ok=True, mode=0o700)
        os.replace(source, folder / name)
        fsync_dir(folder)  # the new name survives a power cut before the receipt goes out
        Path(f"{source}.info").unlink(missing_ok=True)
        (self.uploads / ".locks" / uid).unlink(missing_ok=True)

    async def discard(self, uid: str) -> None:
        await self.tus.delete(uid)

    def read(self, record_id: str, name: str) -> bytes | None:
        path = self.root / record_id / name
        return path.read_bytes() if path.exists() else None

    def remove(self, record_id: str, name: str) -> None:
        """Delete a kept attachment (retention); nothing if it is gone already."""
        (self.root / record_id / name).unlink(missing_ok=True)


class S3Files:
    """Attachments as objects in an S3-compatible bucket (AWS S3, MinIO, Ceph, OVH, ...).

    The bucket must exist. Credentials and the endpoint come from boto3's usual settings
    (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_ENDPOINT_URL`, `AWS_DEFAULT_REGION`,
    or a profile), so no secret is ever on central's command line.
    """

    def __init__(self, url: str, client=None) -> None:
        parsed = urlparse(url)
        if parsed.scheme != "s3" or not parsed.netloc:
            raise ValueError(f"not an s3://bucket/prefix address: {url!r}")
        import boto3
        from tuspyserver.storage.s3 import S3Storage

        self.bucket = parsed.netloc
        self.prefix = parsed.path.strip("/") + "/" if parsed.path.strip("/") else ""
        self.client = client or boto3.client("s3")
        self.tus = HashingStorage(S3Storage(self.bucket, self.client, prefix=f"{self.prefix}uploads/"))

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}files/"

    def _key(self, record_id: str, name: str) -> str:
        return f"{self.prefix}files/{record_id}/{name}"

    def keep_sync(self, uid: str, record_id: str, name: str) -> None:
        """Copy a finished upload to its permanent key, then drop the upload's objects."""
        source = f"{self.prefix}uploads/{uid}"
        self.client.copy_object(Bucket=self.bucket, Key=self._key(record_id, name),
                                CopySource={"Bucket": self.bucket, "Key": source})
        for key in (source, f"{source}.info"):
            self.client.delete_object(Bucket=self.bucket, Key=key)

    async def discard(self, uid: str) -> None:
        await self.tus.delete(uid)

    def read(self, record_id: str, name: str) -> bytes | None:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(record_id, name))["Body"].read()
        except self.client.exceptions.NoSuchKey:
            return None

    def remove(self, record_id: str, name: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(record_id, name))


def open_files(data_dir: Path, url: str | None = None):
    """The attachment store for `--files URL` (an s3:// address), else the local folder."""
    if url:
        return S3Files(url)
    return LocalFiles(data_dir)
