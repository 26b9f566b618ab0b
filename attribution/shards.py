"""Shards: the same extraction as ``ingest``, cut into jobs an engine can schedule, written as
Parquet, and loaded into SQLite later.

A shard is a slice of the input stream (documents and the inputs that did not become one, in
input order, as :func:`attribution.ingest.read_documents` gives them). :func:`extract_shard`
runs the usual per-document extraction on it, in a worker process under the usual time
budget, and writes one folder ``shard-NNNNNN`` holding ``documents``, ``statements``,
``claims``, ``speakers`` and ``aliases`` as Parquet files, with the ids the database uses, and
``manifest.json`` (input digest, extractor version, model, counts, failures, and the size and
sha256 of every file). The folder is written under a temporary name and renamed, so a shard is
complete or absent; a rerun whose manifest matches the input, extractor and model skips it.

:func:`load_shards` reads finished shards in shard order and stores them with the code
``ingest`` stores with, one transaction per shard: a load killed halfway leaves whole shards
only, and loading again changes nothing. The corpus-level steps (speaker identity across
articles, reviewers' speaker decisions, the full-text index) run as each document is stored,
as they do in ``ingest``. :class:`OrderedLoad` does the same inside a running batch
(``batch --db``), storing each shard as soon as it and every shard before it are done.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import EXTRACTOR_VERSION, __version__
from .errors import AttributionError
from .ingest import InputProblem
from .models import (
    Act,
    Claim,
    ClaimKind,
    Document,
    Extraction,
    QuoteType,
    Span,
    Speaker,
    SpeakerKind,
    Stance,
    Statement,
    StatementTime,
)
from .parallel import KeptPool

SHARD_FORMAT = 1
DEFAULT_SHARD_SIZE = 50  # documents per shard: a few seconds of work, a few MB of Parquet
TAIL_SHARD_MIN = 10  # documents in the smallest of the last shards (see _tail_sizes)
EXTRACT_BATCH = 32  # documents a worker process is sent at a time: extract_documents' own batch size
SHARD_NAME = re.compile(r"\Ashard-(\d{6})\Z")
MANIFEST = "manifest.json"
BATCH_FILE = "batch.json"  # written by the driver once every shard of a batch is finished
TABLES = ("documents", "statements", "claims", "speakers", "aliases")
INT_COLUMNS = {"position", "document_position", "ordinal", "byte_length"}
FLOAT_COLUMNS = {"confidence", "score"}
DOCUMENT_COLUMNS = (
    "position", "id", "external_id", "source", "title", "published", "document_published", "publisher",
    "url", "author", "text", "raw_sha256", "byte_length", "encoding", "normalisation",
    "document_warnings", "warnings", "agencies", "extractor_version",
)  # fmt: skip
SPEAKER_COLUMNS = ("id", "key", "name", "kind", "surname", "role", "organisation", "country")
ALIAS_COLUMNS = ("speaker_id", "alias", "alias_key", "reason")


class ShardError(AttributionError):
    """A shard that cannot be loaded (missing, truncated or corrupt file); the message names it."""


@dataclass(frozen=True)
class ShardInput:
    """One slice of the input stream: documents and input problems, in input order."""

    index: int
    items: tuple[Document | InputProblem, ...]

    @property
    def name(self) -> str:
        return f"shard-{self.index:06d}"

    @property
    def documents(self) -> list[Document]:
        return [item for item in self.items if isinstance(item, Document)]

    def digest(self) -> str:
        """sha256 of what the shard's output depends on in its input (texts by their hash)."""
        h = hashlib.sha256()
        for item in self.items:
            h.update(json.dumps(_item_key(item), ensure_ascii=False, sort_keys=True).encode("utf-8"))
            h.update(b"\n")
        return h.hexdigest()


def _item_key(item: Document | InputProblem) -> dict[str, Any]:
    if isinstance(item, Document):
        values = asdict(item)
        values.pop("text")
        return {"document": values}
    return {"problem": [item.source, item.status, item.reason]}


@dataclass(frozen=True)
class ShardFile:
    name: str
    rows: int
    bytes: int
    sha256: str


@dataclass(frozen=True)
class ShardManifest:
    """What a finished shard holds and what it was made from."""

    name: str
    index: int
    input_digest: str
    extractor_version: str
    model: str
    model_version: str | None
    spacy_version: str | None
    tool_version: str
    items: int
    documents: int
    statements: int
    claims: int
    failures: tuple[dict[str, Any], ...] = ()  # {position, source, document_id, reason}
    problems: tuple[dict[str, Any], ...] = ()  # {position, source, status, reason}
    files: tuple[ShardFile, ...] = ()
    format: int = SHARD_FORMAT

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ShardManifest:
        values = json.loads(text)
        values["failures"] = tuple(values.get("failures", ()))
        values["problems"] = tuple(values.get("problems", ()))
        values["files"] = tuple(ShardFile(**f) for f in values.get("files", ()))
        return cls(**values)


# --------------------------------------------------------------------------- planning


def plan_shards(
    items: Iterable[Document | InputProblem], shard_size: int = DEFAULT_SHARD_SIZE, *, first_index: int = 0
) -> Iterator[ShardInput]:
    """Cut the input stream into shards of ``shard_size`` documents (input problems ride
    along with the documents around them), lazily, so the corpus is never held whole (three
    shards' worth at most). The documents of the last two shards are cut into four smaller
    ones (see ``_tail_sizes``). ``first_index`` numbers the first shard, for planners that
    cut several streams."""
    if shard_size < 1:
        raise ValueError("shard_size must be at least 1")
    index, pending, documents = first_index, [], 0
    for item in items:
        pending.append(item)
        documents += isinstance(item, Document)
        if documents > 2 * shard_size:  # the first shard_size of them are not in the last two shards
            cut = _after_documents(pending, shard_size)
            yield ShardInput(index, tuple(pending[:cut]))
            index, pending, documents = index + 1, pending[cut:], documents - shard_size
    for size in _tail_sizes(documents, shard_size):
        cut = _after_documents(pending, size) if size < documents else len(pending)
        yield ShardInput(index, tuple(pending[:cut]))
        index, pending, documents = index + 1, pending[cut:], documents - size
    if pending:  # input problems only
        yield ShardInput(index, tuple(pending))


def _after_documents(items: Sequence[Document | InputProblem], count: int) -> int:
    """Where a shard of ``count`` documents taken from the front of ``items`` ends: right after
    its last document (the problems after it go with the next one)."""
    seen = 0
    for position, item in enumerate(items):
        seen += isinstance(item, Document)
        if seen == count:
            return position + 1
    return len(items)


def _tail_sizes(documents: int, shard_size: int) -> list[int]:
    """The sizes of the shards that hold the last ``documents`` (at most two shards' worth).

    The workers finish together only if the last shards are short: one left running alone
    keeps the batch waiting for it, and the driver stores the last one after all extraction
    has ended. So the last two shards' documents go in four shards of about half the size, as
    long as each keeps TAIL_SHARD_MIN documents (below that a shard's fixed costs, its files,
    fsyncs and task, outweigh what it saves); else they are cut as every other shard is."""
    if documents >= 4 * TAIL_SHARD_MIN and documents > shard_size:
        return [documents // 4 + (part < documents % 4) for part in range(4)]
    if documents > shard_size:
        return [shard_size, documents - shard_size]
    return [documents] if documents else []


def read_manifest(folder: str | Path) -> ShardManifest | None:
    """The manifest of a finished shard folder, or None when there is none (or it is unreadable)."""
    try:
        return ShardManifest.from_json((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError, KeyError):
        return None


def manifest_matches(manifest: ShardManifest | None, shard: ShardInput, model: str | None) -> bool:
    """True when a finished shard was made from this input by this extractor and model."""
    from .nlp import model_name

    return (
        manifest is not None
        and manifest.format == SHARD_FORMAT
        and manifest.input_digest == shard.digest()
        and manifest.extractor_version == EXTRACTOR_VERSION
        and manifest.model == model_name(model)
    )


# --------------------------------------------------------------------------- extracting


Extractor = Callable[[Iterable[Document]], Iterator[Extraction]]


def _may_fork() -> bool:
    """A daemonic process (a dask worker by default) may not start the budget's worker process."""
    return not multiprocessing.current_process().daemon


def _spacy_extractor(model: str, timeout: float | None, kept: KeptPool | None = None) -> Extractor:
    """The usual extraction, in one worker process under the budget; with ``kept``, the worker
    process of the last shard extracts this one too (see ``parallel.KeptPool``)."""
    from .extract import extract_batch, extract_documents
    from .parallel import extract_in_workers

    def extractor(documents: Iterable[Document]) -> Iterator[Extraction]:
        if not _may_fork():
            return extract_documents(documents, model=model)  # in this process, without a budget
        if kept is None or timeout is None:
            return extract_documents(documents, model=model, n_process=1, timeout=timeout)
        # what extract_documents does with a budget (its batch size too), in the kept process
        return extract_in_workers(
            documents, extract_batch, model=model, workers=1, batch_size=EXTRACT_BATCH, timeout=timeout, kept=kept
        )

    return extractor


def extract_shard(
    shard: ShardInput,
    out_dir: str | Path,
    *,
    model: str | None = None,
    timeout: float | None = 60.0,
    extractor: Extractor | None = None,
    kept: KeptPool | None = None,
) -> ShardManifest:
    """Extract one shard and write it to ``out_dir/shard-NNNNNN`` (complete or absent).

    A shard already there whose manifest matches is kept as it is. ``timeout`` is each
    document's budget in seconds, as in ``ingest`` (None: no budget and no worker process);
    a document that overruns or raises is listed in the manifest's failures. ``kept`` keeps
    the extraction's worker process for the next shard (a dask worker's, across its shards).
    """
    from .jobs import resilient_extract
    from .nlp import model_name

    out = Path(out_dir)
    final = out / shard.name
    resolved = model_name(model)
    existing = read_manifest(final)
    if manifest_matches(existing, shard, resolved):
        return existing  # type: ignore[return-value]
    model_version = spacy_version = None
    if extractor is None:
        import spacy

        from .nlp import load_pipeline

        nlp = load_pipeline(resolved)  # once per worker process: the pipeline cache keeps it
        model_version, spacy_version = str(nlp.meta.get("version", "")) or None, spacy.__version__
        extractor = _spacy_extractor(resolved, timeout, kept)
    results = list(resilient_extract(shard.documents, extractor))
    tables, failures = _shard_rows(shard, results)
    problems = tuple(
        {"position": position, "source": item.source, "status": item.status, "reason": item.reason}
        for position, item in enumerate(shard.items)
        if isinstance(item, InputProblem)
    )
    manifest = ShardManifest(
        name=shard.name,
        index=shard.index,
        input_digest=shard.digest(),
        extractor_version=EXTRACTOR_VERSION,
        model=resolved,
        model_version=model_version,
        spacy_version=spacy_version,
        tool_version=__version__,
        items=len(shard.items),
        documents=len(tables["documents"]),
        statements=len(tables["statements"]),
        claims=len(tables["claims"]),
        failures=failures,
        problems=problems,
    )
    return _write_shard(out, manifest, tables)


def _shard_rows(shard: ShardInput, results: Sequence[Any]) -> tuple[dict[str, list[dict[str, Any]]], tuple]:
    """Parquet rows of every table, and the failures, for the extraction results of a shard."""
    from .jobs import ExtractionFailure
    from .store import speaker_rows

    positions = iter(position for position, item in enumerate(shard.items) if isinstance(item, Document))
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    failures: list[dict[str, Any]] = []
    statements: list[Statement] = []
    for result, position in zip(results, positions, strict=True):
        document = result.document
        if isinstance(result, ExtractionFailure):
            failures.append(
                {
                    "position": position,
                    "source": document.source or document.id,
                    "document_id": document.sha256,
                    "reason": result.reason,
                }
            )
            continue
        tables["documents"].append(_document_row(result, position))
        tables["statements"] += _statement_rows(result, position)
        tables["claims"] += _claim_rows(result, position)
        statements += result.statements
    for row in speaker_rows(_first_of_each_naming(statements)).values():
        tables["speakers"].append({name: getattr(row, name) for name in SPEAKER_COLUMNS})
        for alias, (key, reason) in row.aliases.items():
            tables["aliases"].append({"speaker_id": row.id, "alias": alias, "alias_key": key, "reason": reason})
    return tables, tuple(failures)


def _first_of_each_naming(statements: Sequence[Statement]) -> list[Statement]:
    """The first statement of each (speaker, mention) pair, in order. A speaker row and its
    aliases depend on nothing else of a statement, and a pair seen again adds nothing (the
    first role and alias stay, the preferred name is an order-free choice), so a speaker
    quoted five times goes through the identity rules once: they took most of a worker's own
    time per shard (0.27 s of its 0.35 s on 50 synthetic articles)."""
    seen: set[tuple[Any, str | None]] = set()
    kept = []
    for statement in statements:
        mention = statement.speaker_mention
        pair = (statement.speaker, mention.text if mention is not None else None)
        if pair not in seen:
            seen.add(pair)
            kept.append(statement)
    return kept


def _document_row(extraction: Extraction, position: int) -> dict[str, Any]:
    doc = extraction.document
    return {
        "position": position,
        "id": doc.sha256,
        "external_id": doc.id,
        "source": doc.source,
        "title": doc.title,
        "published": extraction.published or doc.published,
        "document_published": doc.published,
        "publisher": doc.publisher,
        "url": doc.url,
        "author": doc.author,
        "text": doc.text,
        "raw_sha256": doc.raw_sha256,
        "byte_length": doc.byte_length,
        "encoding": doc.encoding,
        "normalisation": json.dumps(list(doc.normalisation)),
        "document_warnings": json.dumps(list(doc.warnings), ensure_ascii=False),
        "warnings": json.dumps(list(doc.warnings) + list(extraction.warnings), ensure_ascii=False),
        "agencies": json.dumps(list(extraction.agencies), ensure_ascii=False),
        "extractor_version": extraction.extractor_version or EXTRACTOR_VERSION,
    }


def _without_run(record: dict[str, Any], position: int, ordinal: int) -> dict[str, Any]:
    record = {k: v for k, v in record.items() if k not in {"run_id", "extracted_at"}}
    return {"document_position": position, "ordinal": ordinal, **record}


def _statement_rows(extraction: Extraction, position: int) -> list[dict[str, Any]]:
    """One row per statement as extracted (duplicates too: storing removes them, as in ingest)."""
    from .store import _statement_record

    doc, version = extraction.document, extraction.extractor_version or EXTRACTOR_VERSION
    return [
        _without_run(_statement_record(doc, version, statement, None, ""), position, ordinal)
        for ordinal, statement in enumerate(extraction.statements)
    ]


def _claim_rows(extraction: Extraction, position: int) -> list[dict[str, Any]]:
    from .store import _claim_record

    doc, version = extraction.document, extraction.extractor_version or EXTRACTOR_VERSION
    return [
        _without_run(_claim_record(doc, version, claim, None, ""), position, ordinal)
        for ordinal, claim in enumerate(extraction.claims)
    ]


# --------------------------------------------------------------------------- Parquet files


def _column_type(name: str) -> Any:
    import pyarrow as pa

    if name in INT_COLUMNS or name.endswith(("_start", "_end")):
        return pa.int64()
    if name in FLOAT_COLUMNS:
        return pa.float64()
    return pa.string()


def _schema(table: str) -> Any:
    import pyarrow as pa

    from .store import WRITTEN_COLUMNS

    columns = {
        "documents": DOCUMENT_COLUMNS,
        "statements": ("document_position", "ordinal")
        + tuple(c for c in WRITTEN_COLUMNS if c not in {"run_id", "extracted_at"}),
        "speakers": SPEAKER_COLUMNS,
        "aliases": ALIAS_COLUMNS,
    }
    names = columns.get(table, columns["statements"])  # claims have the statements' columns
    return pa.schema([(name, _column_type(name)) for name in names])


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_shard(out: Path, manifest: ShardManifest, tables: dict[str, list[dict[str, Any]]]) -> ShardManifest:
    """Write the folder under a temporary name, then rename it into place."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out.mkdir(parents=True, exist_ok=True)
    temporary = out / f".{manifest.name}.tmp-{uuid.uuid4().hex}"
    temporary.mkdir()
    try:
        files = []
        for table in TABLES:
            path = temporary / f"{table}.parquet"
            pq.write_table(pa.Table.from_pylist(tables[table], schema=_schema(table)), path)
            _fsync(path)
            files.append(ShardFile(path.name, len(tables[table]), path.stat().st_size, _file_sha256(path)))
        manifest = ShardManifest(**{**asdict(manifest), "files": tuple(files)})
        manifest = ShardManifest.from_json(manifest.to_json())  # the same value a reader gets back
        (temporary / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
        _fsync(temporary / MANIFEST)
        _fsync(temporary)
        _replace(temporary, out / manifest.name)
        _fsync(out)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
    return manifest


def _replace(temporary: Path, final: Path) -> None:
    """Rename ``temporary`` to ``final``; an old shard there (another input or version) goes."""
    try:
        os.rename(temporary, final)
        return
    except OSError:
        if not final.exists():
            raise
    old = final.with_name(f".{final.name}.old-{uuid.uuid4().hex}")
    os.rename(final, old)
    os.rename(temporary, final)
    shutil.rmtree(old, ignore_errors=True)


def remove_temporaries(out_dir: str | Path) -> int:
    """Delete the half-written shard folders a killed worker left (only safe while no batch runs)."""
    out = Path(out_dir)
    if not out.is_dir():
        return 0
    removed = 0
    for path in out.iterdir():
        if path.name.startswith(".shard-") and (".tmp-" in path.name or ".old-" in path.name):
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
    return removed


def shard_folders(out_dir: str | Path) -> list[Path]:
    """Finished shard folders in shard order."""
    out = Path(out_dir)
    return sorted(p for p in out.iterdir() if SHARD_NAME.match(p.name) and p.is_dir())


def _read_table(folder: Path, entry: ShardFile) -> list[dict[str, Any]]:
    """One Parquet file's rows, after checking it is the file the manifest describes."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = folder / entry.name
    again = "; run `attribution batch` again to rewrite the shard"
    try:
        size = path.stat().st_size
    except OSError as error:
        raise ShardError(f"{path}: cannot read ({error.strerror or error}){again}") from None
    if size != entry.bytes:
        raise ShardError(f"{path}: truncated or altered ({size} bytes, its manifest says {entry.bytes}){again}")
    if _file_sha256(path) != entry.sha256:
        raise ShardError(f"{path}: corrupt (its sha256 differs from the manifest's){again}")
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as error:
        raise ShardError(f"{path}: not a readable Parquet file ({error}){again}") from None
    if table.num_rows != entry.rows:
        raise ShardError(f"{path}: holds {table.num_rows} rows, its manifest says {entry.rows}{again}")
    return table.to_pylist()


def read_shard(folder: str | Path) -> tuple[ShardManifest, list[Any]]:
    """A finished shard's manifest and its items in input order: an ``Extraction`` per stored
    document, an ``InputProblem`` per input problem or failed document. Raises ShardError."""
    folder = Path(folder)
    manifest_path = folder / MANIFEST
    try:
        manifest = ShardManifest.from_json(manifest_path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ShardError(f"{manifest_path}: cannot read ({error.strerror or error})") from None
    except (ValueError, TypeError, KeyError) as error:
        raise ShardError(f"{manifest_path}: not a shard manifest ({error})") from None
    if manifest.format != SHARD_FORMAT:
        raise ShardError(f"{manifest_path}: shard format {manifest.format}, this tool reads {SHARD_FORMAT}")
    entries = {entry.name: entry for entry in manifest.files}
    missing = [f"{t}.parquet" for t in TABLES if f"{t}.parquet" not in entries]
    if missing:
        raise ShardError(f"{manifest_path}: lists no {', '.join(missing)}")
    rows = {t: _read_table(folder, entries[f"{t}.parquet"]) for t in ("documents", "statements", "claims")}
    items: dict[int, Any] = {}
    for problem in manifest.problems:
        items[problem["position"]] = InputProblem(problem["source"], problem["status"], problem["reason"])
    for failure in manifest.failures:
        items[failure["position"]] = InputProblem(failure["source"], "failed", failure["reason"])
    statements = _by_position(rows["statements"])
    claims = _by_position(rows["claims"])
    for row in rows["documents"]:
        extraction = _extraction(row, statements.get(row["position"], []), claims.get(row["position"], []))
        if extraction.document.sha256 != row["id"]:
            raise ShardError(f"{folder / 'documents.parquet'}: the text of {row['source']} does not match its id")
        items[row["position"]] = extraction
    if sorted(items) != list(range(manifest.items)):
        raise ShardError(f"{manifest_path}: its files hold {len(items)} of the shard's {manifest.items} inputs")
    return manifest, [items[position] for position in range(manifest.items)]


def _by_position(rows: list[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = {}
    for row in sorted(rows, key=lambda r: (r["document_position"], r["ordinal"])):
        grouped.setdefault(row["document_position"], []).append(row)
    return grouped


# --------------------------------------------------------------------------- rows -> records


def _span(text: str | None, start: int | None, end: int | None) -> Span | None:
    return None if start is None or end is None or text is None else Span(start, end, text)


def _statement(row: dict[str, Any]) -> Statement:
    """The statement a row was written from, as far as storing it reads it."""
    speaker = None
    if row["speaker_name"] is not None:
        kind = SpeakerKind(row["speaker_kind"])
        speaker = Speaker(row["speaker_name"], kind, row["role"], row["organisation"], row["country"])
    time = None
    if row["time_rule"] is not None:
        expression = _span(row["said_expression"], row["said_start"], row["said_end"])
        time = StatementTime(row["said_from"], row["said_to"], row["said_precision"], expression, row["time_rule"])
    return Statement(
        type=QuoteType(row["type"]),
        content=Span(row["content_start"], row["content_end"], row["content"]),
        sentence=Span(row["sentence_start"], row["sentence_end"], row["sentence"]),
        rule=row["rule"],
        cue=_span(row["cue"], row["cue_start"], row["cue_end"]),
        stance=Stance(row["stance"]),
        speaker=speaker,
        speaker_mention=_span(row["speaker_mention"], row["speaker_start"], row["speaker_end"]),
        resolution=row["resolution"] or "",
        confidence=row["confidence"],
        act=Act(row["act"]),
        time=time,
    )


def _claim(row: dict[str, Any]) -> Claim:
    span = Span(row["content_start"], row["content_end"], row["content"])
    return Claim(ClaimKind(row["kind"]), span, row["score"], tuple(json.loads(row["reasons"])))


def _extraction(row: dict[str, Any], statements: list[dict[str, Any]], claims: list[dict[str, Any]]) -> Extraction:
    document_warnings = tuple(json.loads(row["document_warnings"]))
    document = Document(
        id=row["external_id"],
        text=row["text"],
        source=row["source"],
        title=row["title"],
        published=row["document_published"],
        publisher=row["publisher"],
        url=row["url"],
        author=row["author"],
        encoding=row["encoding"],
        raw_sha256=row["raw_sha256"],
        byte_length=row["byte_length"],
        normalisation=tuple(json.loads(row["normalisation"])),
        warnings=document_warnings,
    )
    return Extraction(
        document=document,
        statements=tuple(_statement(s) for s in statements),
        claims=tuple(_claim(c) for c in claims),
        agencies=tuple(json.loads(row["agencies"])),
        published=row["published"],
        extractor_version=row["extractor_version"],
        warnings=tuple(json.loads(row["warnings"]))[len(document_warnings) :],
    )


# --------------------------------------------------------------------------- loading


@dataclass
class LoadReport:
    """What a load did: per-input outcomes (as ``ingest`` reports them) and per-shard progress."""

    run_id: str | None = None
    outcomes: list[Any] = field(default_factory=list)
    status: str = "running"
    loaded: list[str] = field(default_factory=list)  # shard names, in order
    stopped: str = ""  # why the load stopped before the last shard, if it did
    finished_batch: bool = False  # the batch wrote its batch.json: every shard is there

    def counts(self) -> dict[str, int]:
        from .jobs import IngestReport

        return IngestReport(outcomes=self.outcomes).counts()

    @property
    def problems(self) -> list[Any]:
        return [o for o in self.outcomes if o.status in {"rejected", "failed"}]


def batch_size_of(out_dir: str | Path) -> int | None:
    """How many shards the batch that wrote ``out_dir`` made, once it finished (else None)."""
    try:
        return int(json.loads((Path(out_dir) / BATCH_FILE).read_text(encoding="utf-8"))["shards"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_batch_file(out_dir: str | Path, shards: int, shard_size: int, model: str) -> None:
    out = Path(out_dir)
    temporary = out / f".{BATCH_FILE}.tmp-{uuid.uuid4().hex}"
    values = {"format": SHARD_FORMAT, "shards": shards, "shard_size": shard_size, "model": model}
    temporary.write_text(json.dumps(values, indent=1), encoding="utf-8")
    os.replace(temporary, out / BATCH_FILE)


class ShardLoad:
    """One run that stores shards into one database, each shard in one transaction.

    ``load`` opens one over a finished batch folder; ``batch --db`` opens one in the driver and
    stores each shard as soon as it and every shard before it are done, while the workers
    extract the rest. Used as a context manager: a run that ends in an exception is labelled
    ``interrupted`` or ``aborted`` in the ledger, and the connection is closed.
    """

    def __init__(
        self,
        db_path: str | Path,
        *,
        command: str = "load",
        first: ShardManifest | None = None,
        model: str | None = None,
        busy_timeout: int | None = None,
        report: LoadReport | None = None,
    ) -> None:
        from .store import DEFAULT_BUSY_TIMEOUT_MS, connect, mark_aborted_runs, start_run

        self.report = report if report is not None else LoadReport()
        self.db = connect(db_path, busy_timeout=busy_timeout or DEFAULT_BUSY_TIMEOUT_MS)
        try:
            mark_aborted_runs(self.db)
            self.report.run_id = start_run(
                self.db,
                command,
                model=first.model if first else model,
                model_version=first.model_version if first else None,
                spacy_version=first.spacy_version if first else None,
                extractor_version=first.extractor_version if first else EXTRACTOR_VERSION,
            )
        except BaseException:
            self.db.close()
            raise

    def __enter__(self) -> ShardLoad:
        return self

    def __exit__(self, kind: Any, error: Any, trace: Any) -> None:
        try:
            if error is not None:
                status = "interrupted" if isinstance(error, KeyboardInterrupt) else "aborted"
                self.report.status = status
                self._finish_run(status)
        finally:
            self.db.close()

    def store(self, name: str, items: Sequence[Any]) -> list[Any]:
        """Store one shard's items (what :func:`read_shard` gives) in one transaction."""
        from .jobs import interrupts_held
        from .store import write_transaction

        with interrupts_held():  # a committed shard is always counted
            with write_transaction(self.db, what=name):
                outcomes = [_load_item(self.db, item, self.report.run_id) for item in items]
            self.report.outcomes += outcomes
            self.report.loaded.append(name)
        return outcomes

    def fail(self, sources: Sequence[str], reason: str) -> list[Any]:
        """Record inputs that never became a shard (its job failed) as failed, as ingest records them."""
        from .jobs import Outcome, interrupts_held
        from .store import record_input_problem

        outcomes = [Outcome(source, "failed", reason) for source in sources]
        with interrupts_held():
            for outcome in outcomes:
                record_input_problem(self.db, self.report.run_id, outcome.source, "failed", reason)
            self.report.outcomes += outcomes
        return outcomes

    def finish(self) -> None:
        """Label the run completed (with errors when an input failed or the load stopped early)."""
        counts = self.report.counts()
        bad = counts["n_rejected"] or counts["n_failed"] or self.report.stopped
        self.report.status = "completed_with_errors" if bad else "completed"
        self._finish_run(self.report.status)

    def _finish_run(self, status: str) -> None:
        from .store import finish_run

        try:
            finish_run(self.db, self.report.run_id, status, self.report.counts())  # type: ignore[arg-type]
        except Exception:  # the run stays 'running' and is labelled aborted next time
            if status in {"completed", "completed_with_errors"}:
                raise


class OrderedLoad:
    """The shards of a running batch stored in shard order as they become ready (``batch --db``).

    A shard finished before one ahead of it waits here (its name, not its rows), so documents go
    in in input order, as ``load`` stores them. A shard whose job failed has its inputs recorded
    as failed, as ``ingest`` records a document it could not extract, and the shards after it
    go on; a rerun of the batch stores it. Nothing is stored before :meth:`start`: a local
    cluster's workers are forked from this process, and no database connection may cross a
    fork, so the database is opened only once the cluster is up.
    """

    def __init__(
        self,
        out_dir: str | Path,
        db_path: str | Path,
        *,
        model: str | None = None,
        busy_timeout: int | None = None,
        progress: Callable[[str, list[Any]], None] | None = None,
    ) -> None:
        self.out, self.db_path, self.model, self.busy_timeout = Path(out_dir), db_path, model, busy_timeout
        self.progress = progress
        self.waiting: dict[str, tuple[str, tuple[str, ...]]] = {}  # shard name -> (job error, its sources)
        self.next = 0
        self.started = False
        self.loading: ShardLoad | None = None

    def __enter__(self) -> OrderedLoad:
        return self

    def __exit__(self, kind: Any, error: Any, trace: Any) -> None:
        if self.loading is not None:
            self.loading.__exit__(kind, error, trace)

    def ready(self, name: str, *, error: str = "", sources: Sequence[str] = ()) -> None:
        """Shard ``name`` is finished (or, with ``error``, failed for good with these inputs)."""
        self.waiting[name] = (error, tuple(sources))
        self._drain()

    def start(self) -> None:
        """From now on shards are stored as they become ready."""
        self.started = True
        self._drain()

    def finish(self) -> LoadReport:
        """Store what still waits (every shard is finished by now) and finish the run."""
        self.start()
        loading = self._open(None)
        loading.finish()
        return loading.report

    def _open(self, first: ShardManifest | None) -> ShardLoad:
        if self.loading is None:
            self.loading = ShardLoad(
                self.db_path, command="batch", first=first, model=self.model, busy_timeout=self.busy_timeout
            )
        return self.loading

    def _drain(self) -> None:
        while self.started and (name := f"shard-{self.next:06d}") in self.waiting:
            error, sources = self.waiting.pop(name)
            self._store(name, error, sources)
            self.next += 1

    def _store(self, name: str, error: str, sources: tuple[str, ...]) -> None:
        if error:
            self._open(None).fail(sources, f"shard job failed: {error}")
            return
        folder = self.out / name
        try:
            manifest, items = read_shard(folder)
        except ShardError as damaged:  # not stored; a rerun of batch or load stores it once rewritten
            self._open(None).fail([str(folder)], f"not stored: {damaged}")
            return
        outcomes = self._open(manifest).store(name, items)
        if self.progress:
            self.progress(name, outcomes)


def load_shards(
    db_path: str | Path,
    out_dir: str | Path,
    *,
    busy_timeout: int | None = None,
    progress: Callable[[str, list[Any]], None] | None = None,
    report: LoadReport | None = None,
) -> LoadReport:
    """Store every finished shard of ``out_dir`` in shard order, one transaction per shard.

    A document already stored is ``unchanged`` (at most its new source is added), so loading
    again changes nothing. The load stops at the first missing or unreadable shard (later ones
    stay unloaded, so documents are always stored in input order, as ``ingest`` stores them).
    """
    out = Path(out_dir)
    if not out.is_dir():
        raise ShardError(f"{out}: no such shard folder (run `attribution batch ... --out {out}` first)")
    report = report if report is not None else LoadReport()
    folders = shard_folders(out)
    expected = batch_size_of(out)
    report.finished_batch = expected is not None
    first = read_manifest(folders[0]) if folders else None
    with ShardLoad(db_path, first=first, busy_timeout=busy_timeout, report=report) as loading:
        names = {folder.name: folder for folder in folders}
        total = expected if expected is not None else (int(folders[-1].name[6:]) + 1 if folders else 0)
        for index in range(total):
            name = f"shard-{index:06d}"
            if name not in names:
                report.stopped = f"{out / name} is missing (its batch job has not finished); run batch again"
                break
            try:
                _manifest, items = read_shard(names[name])
            except ShardError as error:
                report.stopped = str(error)
                break
            outcomes = loading.store(name, items)
            if progress:
                progress(name, outcomes)
        loading.finish()
    return report


def _load_item(db: Any, item: Any, run_id: str) -> Any:
    """Store one input of a shard the way ``ingest`` does (inside the shard's transaction)."""
    from .jobs import Outcome, _store_one
    from .store import _add_source, record_input_problem, utc_now

    if isinstance(item, InputProblem):
        record_input_problem(db, run_id, item.source, item.status, item.reason)
        return Outcome(item.source, item.status, item.reason)
    doc = item.document
    source = doc.source or doc.id
    row = db.execute("SELECT run_id FROM documents WHERE id = ?", [doc.sha256]).fetchone()
    if row is not None:
        if row[0] != run_id:  # stored before this run: its new source is recorded, as ingest does
            _add_source(db, doc, run_id, utc_now())
        return Outcome(source, "unchanged", "already stored", doc.sha256)
    outcome = _store_one(db, item, run_id)
    if outcome.status == "failed":
        record_input_problem(db, run_id, outcome.source, outcome.status, outcome.reason)
    return outcome
