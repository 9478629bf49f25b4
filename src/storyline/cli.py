"""The storyline command line: `storyline --help`."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress

app = typer.Typer(help="Norwegian news articles as a sourced, time-resolved record.", no_args_is_help=True,
                  add_completion=False)
eval_app = typer.Typer(help="Measure the trained pipeline on held-out data.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
err = Console(stderr=True, soft_wrap=True)


def _cells(*values: str):
    """Table cells as plain text: a title or a name with "[/x]" in it is data, not markup."""
    from rich.text import Text

    return [Text(v) for v in values]


def _fail(message: str, code: int = 2) -> None:
    err.print(f"[bold red]error:[/] {escape(message)}")
    raise typer.Exit(code)


PIPELINE_HELP = "the statistical pipeline: e5 (the encoder: tags, parse and names) or cnn (faster)"
FAST_HELP = "the CNN pipeline (--pipeline cnn): several times faster, a less accurate record"


def _pipeline(pipeline: str | None, fast: bool) -> str | None:
    """The pipeline the options ask for (None: $STORYLINE_PIPELINE, else the default)."""
    if fast and pipeline not in (None, "cnn"):
        _fail(f"--fast means --pipeline cnn, not {pipeline}")
    if pipeline not in (None, "e5", "cnn"):
        _fail(f"--pipeline {pipeline!r}: choose e5 or cnn")
    return "cnn" if fast else pipeline


@app.command()
def extract(
    file: str = typer.Argument(..., help="article text file, or - for standard input"),
    published: str | None = typer.Option(None, help="publication date (ISO), resolves 'torsdag', 'i går'"),
    format: str = typer.Option("json", "--format", "-f", help="json or pretty"),
    id: str | None = typer.Option(None, help="document id (default: a hash of the text)"),
    pipeline: str | None = typer.Option(None, help=PIPELINE_HELP),
    fast: bool = typer.Option(False, "--fast", help=FAST_HELP),
) -> None:
    """Extract the record of one article: entities, dates, quotes, figures, events, contradictions."""
    import storyline
    from storyline.ingest.text import decode

    if format not in ("json", "pretty"):
        _fail(f"--format {format!r}: choose json or pretty")
    name = "stdin" if file == "-" else file
    try:
        data = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as e:
        _fail(f"{name}: {e.strerror or e}")
    try:
        text = decode(data, name)
        record = storyline.extract(text, published=published, id=id, pipeline=_pipeline(pipeline, fast))
    except ValueError as e:  # InputError is one too
        _fail(str(e).replace("input:", f"{name}:", 1))
        _fail(str(e).replace("input:", f"{name}:", 1))
    if format == "json":
        sys.stdout.write(record.model_dump_json(indent=1) + "\n")
    else:
        from .record.pretty import show

        show(record, Console(markup=False))


@eval_app.command("ner")
def eval_ner(
    data: Path = typer.Option(Path("../shared/data/norne"), help="the NorNE folder"),
    split: str = typer.Option("test", help="dev or test"),
    lang: str = typer.Option("nb", help="nb (Bokmål) or nn (Nynorsk)"),
    pipeline: str | None = typer.Option(None, help=PIPELINE_HELP),
    fast: bool = typer.Option(False, "--fast", help=FAST_HELP),
) -> None:
    """Strict entity-level P/R/F1 per NorNE label; the last line is the micro F1."""
    from .training.evaluate import evaluate_ner

    try:
        scores = evaluate_ner(data, split, lang, pipeline=_pipeline(pipeline, fast))
    except (FileNotFoundError, ValueError) as e:
        _fail(str(e))
    out = Console()
    out.print(f"NorNE {lang} {split}: {scores['n_docs']} docs, {scores['n_gold']} gold entities")
    out.print(f"{'label':8s} {'P':>6s} {'R':>6s} {'F1':>6s}")
    for label, s in sorted(scores["per_type"].items()):
        out.print(f"{label:8s} {s['p']:6.3f} {s['r']:6.3f} {s['f']:6.3f}")
    print(f"micro F1: {scores['f']:.3f}")


@eval_app.command("syntax")
def eval_syntax(
    data: Path = typer.Option(Path("../shared/data"), help="the shared data folder"),
    split: str = typer.Option("test", help="dev or test"),
    lang: str = typer.Option("nb", help="nb or nn"),
    pipeline: str | None = typer.Option(None, help=PIPELINE_HELP),
    fast: bool = typer.Option(False, "--fast", help=FAST_HELP),
) -> None:
    """UPOS and morphology accuracy, UAS/LAS, lemma accuracy and sentence F1 on UD data."""
    from .training.evaluate import evaluate_syntax

    try:
        s = evaluate_syntax(data, split, lang, pipeline=_pipeline(pipeline, fast))
    except FileNotFoundError as e:
        _fail(str(e))
    for key in ("pos_acc", "morph_acc", "lemma_acc", "dep_uas", "dep_las", "sents_f"):
        print(f"{key}: {s[key]:.3f}")


@eval_app.command("records")
def eval_records(
    folders: list[Path] = typer.Argument(..., help="gold folders (*.gold.json) or gold files"),
    pipeline: str | None = typer.Option(None, help=PIPELINE_HELP),
    fast: bool = typer.Option(False, "--fast", help=FAST_HELP),
    format: str = typer.Option("table", "--format", "-f", help="table or json"),
) -> None:
    """Extract every gold article, score its record (shared/spec/gold-format.md) and print one row
    per article, the means per language and overall; the last line is the mean overall score."""
    from .record.score import SECTIONS
    from .training.evaluate import evaluate_records, gold_files, mean_rows

    if format not in ("table", "json"):
        _fail(f"--format {format!r}: choose table or json")
    try:
        total = len(gold_files(folders))
    except FileNotFoundError as e:
        _fail(str(e))
    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("extracting and scoring", total=total)
        rows = evaluate_records(folders, pipeline=_pipeline(pipeline, fast), progress=lambda row: bar.advance(task))
    for row in rows:
        if row["error"]:
            err.print(f"[bold red]error:[/] {escape(row['article'])}: {escape(row['error'])} (scored as an empty record)")
    languages = sorted({r["language"] for r in rows})
    means = [mean_rows([r for r in rows if r["language"] == lang], f"mean {lang}") for lang in languages]
    means.append(mean_rows(rows, "mean"))

    def table(console: Console) -> None:
        from rich.table import Table

        grid = Table(box=None, pad_edge=False)
        for col in ("article", "lang", "overall", *SECTIONS):
            grid.add_column(col, justify="left" if col in ("article", "lang") else "right")
        for row in [*rows, *means]:
            grid.add_row(row["article"], row["language"],
                         *("-" if row[k] is None else f"{row[k]:.3f}" for k in ("overall", *SECTIONS)))
        Console(width=max(console.width, 140)).print(grid)  # the rows never wrap, even in a pipe

    _emit({"articles": rows, "means": means}, format, table)
    if format == "table":
        arguments = means[-1]["event_arguments"]
        if arguments:
            print("event arguments right: " + ", ".join(f"{name} {a['accuracy']:.3f} of {a['n']}"
                                                        for name, a in arguments.items()))
        print(f"mean overall: {means[-1]['overall']:.3f} over {len(rows)} articles")


DB_HELP = "the store: a SQLite file or a database URL (default: $STORYLINE_DB or storyline.db)"


def _store(db: str | None):
    from .store.db import Store, default_db

    return Store(db or default_db())


def _stored(db: str | None):
    """The store a query reads: a SQLite file that does not exist is a mistyped --db, not an empty store."""
    from .store.db import default_db

    target = db or default_db()
    if "://" not in target and not Path(target).exists():
        _fail(f"no store at {target} (ingest articles first, or give --db)")
    return _store(target)


def _story(db: str | None, story: int | None):
    from .story.queries import Story

    try:
        return Story(_stored(db), story)
    except KeyError:
        _fail(f"no story {story} in the store (`storyline stories` lists them)")


def _date(value: str | None, option: str) -> str | None:
    """An ISO date (2024-06-13, 2024-06 or 2024) for a filter, else a clear error."""
    import re

    if value is not None and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        _fail(f"{option} {value!r}: give an ISO date, such as 2024-06-13")
    return value


STORY_HELP = "only this story (its id in `storyline stories`)"


def _emit(data, fmt: str, table_fn) -> None:
    if fmt == "json":
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n")
    elif fmt == "table":
        table_fn(Console())
    else:
        _fail(f"--format {fmt!r}: choose table or json")


@app.command()
def ingest(
    paths: list[str] = typer.Argument(..., help="files, folders, globs, URLs (pages or RSS/Atom feeds), or -"),
    db: str | None = typer.Option(None, help=DB_HELP),
    source: str | None = typer.Option(None, help="the source (publisher) of these articles"),
    published: str | None = typer.Option(None, help="publication date for articles that carry none"),
    pipeline: str | None = typer.Option(None, help=PIPELINE_HELP),
    fast: bool = typer.Option(False, "--fast", help=FAST_HELP),
) -> None:
    """Store articles and their versions; the same text twice adds nothing."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .ingest.batch import ingest_items
    from .ingest.sources import read

    if published is not None:
        from .ingest.text import parse_published

        try:
            parse_published(published)
        except ValueError as e:
            _fail(str(e))
    store = _store(db)
    items = list(read(paths, source=source, published=published))
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as progress:
        task = progress.add_task("extracting", total=len(items))
        result = ingest_items(store, items, published, on_item=lambda item, status: progress.advance(task),
                              pipeline=_pipeline(pipeline, fast))
    out = Console()
    c = result.counts
    out.print(f"{c['new']} new, {c['version']} new versions, {c['unchanged']} unchanged, {c['failed']} failed")
    for item in items:
        if item.warning:
            err.print(f"[yellow]warning[/] {escape(item.warning)}")
    for _name, why in result.failures:
        err.print(f"[red]failed[/] {escape(why)}")
    if result.failures:
        raise typer.Exit(1)


@app.command()
def batch(
    paths: list[str] = typer.Argument(..., help="JSON lines, Parquet files (columns: text; id, url, title, "
                                                "published, source), folders of files"),
    engine: str = typer.Option("local", help="local (this machine's processes) or ray (a Ray cluster)"),
    address: str | None = typer.Option(None, help="the Ray cluster: auto, or HOST:PORT (default: start one "
                                                  "here for this batch)"),
    workers: int = typer.Option(1, min=1, max=1024, help="worker processes, each with one loaded pipeline"),
    out: Path | None = typer.Option(None, help="write the records as Parquet parts into this folder"),
    db: str | None = typer.Option(None, help=DB_HELP),
    errors: Path | None = typer.Option(None, help="the failures as JSON lines (default: OUT/errors.jsonl, "
                                                  "else batch-errors.jsonl)"),
    published: str | None = typer.Option(None, help="publication date for articles that carry none"),
    pipeline: str | None = typer.Option(None, help=PIPELINE_HELP),
    fast: bool = typer.Option(False, "--fast", help=FAST_HELP),
) -> None:
    """Backfill: extract many articles on N workers into Parquet and/or the store. A rerun skips
    what is done; a failing article goes to the errors file and the batch goes on."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .ingest.engines import EngineError, run_batch
    from .ingest.sources import read

    errors = errors or (out / "errors.jsonl" if out else Path("batch-errors.jsonl"))
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as progress:
        bar = progress.add_task(f"extracting ({engine}, {workers} workers)", total=None)
        try:
            summary = run_batch(read(paths, published=published), engine=engine, workers=workers,
                                address=address, out=out, db=db, errors=errors, published=published,
                                on_planned=lambda n: progress.update(bar, total=n),
                                on_result=lambda _name: progress.advance(bar), pipeline=_pipeline(pipeline, fast))
        except EngineError as e:
            _fail(str(e))
    c = summary.counts
    rate = f" ({summary.extracted / summary.seconds:.2f} articles/s" if summary.extracted else ""
    if summary.steady:
        rate += f"; {summary.steady:.2f} articles/s once the workers were up, after {summary.ready:.1f} s"
    Console(width=200).print(
        f"{c['new']} new, {c['version']} new versions, {c['written']} written, {c['unchanged']} already done, "
        f"{c['failed']} failed in {summary.seconds:.0f} s{rate + ')' if rate else ''}"
        + (f"; records in {len(summary.parts)} new Parquet parts under {out}" if out else ""))
    for _name, why in summary.failures[:20]:
        err.print(f"[red]failed[/] {escape(why)}")
    if summary.failures:
        err.print(f"{len(summary.failures)} failures, each with its reason, in {escape(str(errors))}")
        raise typer.Exit(1)


@app.command()
def watch(
    targets: list[str] = typer.Argument(..., help="feed or page URLs (or files) to poll"),
    every: str = typer.Option("5m", help="poll interval: 30s, 5m, 1h"),
    db: str | None = typer.Option(None, help=DB_HELP),
    source: str | None = typer.Option(None, help="the source (publisher) of these articles"),
    times: int | None = typer.Option(None, help="stop after this many rounds (default: run until Ctrl-C)"),
    pipeline: str | None = typer.Option(None, help=PIPELINE_HELP),
    fast: bool = typer.Option(False, "--fast", help=FAST_HELP),
) -> None:
    """Poll feeds and live pages; ingest new articles and versions and say what changed."""
    from .ingest.watch import parse_interval
    from .ingest.watch import watch as run_watch

    try:
        interval = parse_interval(every)
    except ValueError as e:
        _fail(str(e))
    out = Console()
    try:
        run_watch(_store(db), targets, interval, lambda line: out.print(line, highlight=False, markup=False), times, source,
                  _pipeline(pipeline, fast))
    except KeyboardInterrupt:
        out.print("stopped")


@app.command()
def serve(
    db: str | None = typer.Option(None, help=DB_HELP),
    host: str = typer.Option("127.0.0.1", help="address to bind; only localhost unless you say otherwise"),
    port: int = typer.Option(8000, help="port"),
    token: str | None = typer.Option(None, envvar="STORYLINE_TOKEN",
                                     help="token that POST /api/ingest and /api/extract require (better given "
                                          "as $STORYLINE_TOKEN: an option is visible to every user in ps)"),
    allow_host: list[str] = typer.Option([], "--allow-host", help="another name the server is reached by "
                                         "(Host header); by default only the bound address and localhost"),
    read_only: bool = typer.Option(False, "--read-only", help="never write the store (POST /api/ingest "
                                   "answers 503); a SQLite file this user cannot write is read so anyway"),
) -> None:
    """Serve the JSON API (OpenAPI docs at /docs) over the store."""
    import uvicorn

    from .api.app import create_app
    from .store.db import default_db

    hosts = sorted({host, "127.0.0.1", "localhost", "::1", "[::1]", *allow_host})
    Console().print(f"storyline on http://{host}:{port}/  (API: /api/..., OpenAPI docs: /docs)", highlight=False)
    uvicorn.run(create_app(db or default_db(), token=token, hosts=hosts, read_only=read_only), host=host, port=port,
                log_level="warning")


@app.command()
def diff(
    article: str = typer.Argument(..., help="the article's id, URL or title"),
    from_: int | None = typer.Option(None, "--from", help="old version (default: the one before --to)"),
    to: int | None = typer.Option(None, "--to", help="new version (default: the latest)"),
    db: str | None = typer.Option(None, help=DB_HELP),
    format: str = typer.Option("table", "--format", "-f", help="table or json"),
) -> None:
    """What an update added, removed and changed: entities, quotes, figures, events, and the text."""
    from .story.diff import diff_records

    store = _stored(db)
    key = store.find_document(article)
    if key is None:
        _fail(f"no article {article!r} in {store.url}")
    versions = store.versions_of(key)
    to = to or versions[-1]
    from_ = from_ or (to - 1)
    if len(versions) == 1 and from_ is not None and from_ < 1:
        _fail(f"{key} has one version only: nothing to compare")
    old, new = store.record(key, from_), store.record(key, to)
    if from_ not in versions or to not in versions or old is None or new is None:
        _fail(f"{article}: versions {versions}, no version {from_ if old is None else to}")
    result = diff_records(old, new)

    def table(console):
        console.print(f"[bold]{escape(key)}[/]: version {from_} -> {to}")
        for kind, d in result["facts"].items():
            noun = {"entities": "entity", "quotes": "quote", "figures": "figure", "events": "event"}[kind]
            for v in d["added"]:
                console.print(f"[green]+ {noun}[/] {escape(_fact(v))}", highlight=False)
            for v in d["removed"]:
                console.print(f"[red]- {noun}[/] {escape(_fact(v))}", highlight=False)
            for v in d["changed"]:
                console.print(f"[yellow]~ {noun}[/] {escape(_fact(v['from']))} -> {escape(_fact(v['to']))}",
                              highlight=False)
        for line in result["text_diff"]:
            style = "green" if line.startswith("+") else "red" if line.startswith("-") else "dim"
            console.print(f"[{style}]{escape(line)}[/]", highlight=False)

    _emit(result, format, table)


def _fact(v: dict) -> str:
    if "value" in v:
        return f"{v['text']} (according to {v.get('according_to') or 'no source'})"
    if "speaker" in v:
        return f"{v.get('speaker') or '?'}: «{v['text']}»"
    if "trigger" in v:
        return f"{v['type']} {v['trigger']} {v.get('date') or ''}"
    return f"{v.get('name')} ({v.get('type')})"


@app.command()
def timeline(
    entity: str | None = typer.Option(None, help="only events with this entity"),
    type: str | None = typer.Option(None, help="only this PLOVER type (ASSAULT, CONSULT, ...)"),
    date_from: str | None = typer.Option(None, "--from", help="from this date (ISO)"),
    date_to: str | None = typer.Option(None, "--to", help="up to this date (ISO)"),
    story: int | None = typer.Option(None, help=STORY_HELP),
    db: str | None = typer.Option(None, help=DB_HELP),
    format: str = typer.Option("table", "--format", "-f", help="table or json"),
) -> None:
    """The story's events by date, each merged across the articles that report it."""
    from rich.table import Table

    from .record.model import EVENT_TYPES

    if type is not None and type.upper() not in EVENT_TYPES:
        _fail(f"--type {type!r}: one of {', '.join(EVENT_TYPES)}")
    events = _story(db, story).timeline(entity, type, _date(date_from, "--from"), _date(date_to, "--to"))

    def table(console):
        t = Table(title=f"Timeline ({len(events)} events)")
        for col in ("date", "type", "actors", "targets", "location", "sources", "reports"):
            t.add_column(col)
        for e in events:
            t.add_row(*_cells(e.date or "—", e.type, ", ".join(e.actors), ", ".join(e.targets), e.location or "—",
                      ", ".join(e.sources), str(len(e.reports))))
        console.print(t)

    _emit([e.to_dict() for e in events], format, table)


@app.command()
def entity(
    name: str = typer.Argument(..., help="a name in any spelling (Zelenskyj, Zelenskyy) or an id (iso:UA)"),
    story: int | None = typer.Option(None, help=STORY_HELP),
    db: str | None = typer.Option(None, help=DB_HELP),
    format: str = typer.Option("table", "--format", "-f", help="table or json"),
) -> None:
    """One entity across the story: aliases, mentions, quotes by it, events it is in."""
    profile = _story(db, story).entity(name)
    if profile is None:
        _fail(f"no entity {name!r} in the store")

    def table(console):
        console.print(f"[bold]{escape(profile['name'])}[/] ({', '.join(profile['types'])}) "
                      f"{escape(str(profile['keys']))}")
        console.print(f"aliases: {', '.join(profile['aliases'])}", markup=False)
        console.print(f"{profile['mentions']} mentions in {profile['documents']} articles")
        for q in profile["quotes"]:
            console.print(f"  quote: «{q['text']}»", markup=False)
        for e in profile["events"]:
            console.print(f"  event: {e['date']} {e['type']} ({', '.join(e['sources'])})", markup=False)

    _emit(profile, format, table)


@app.command()
def claims(
    contradictions: bool = typer.Option(False, "--contradictions", help="only figures that sources disagree on"),
    story: int | None = typer.Option(None, help=STORY_HELP),
    db: str | None = typer.Option(None, help=DB_HELP),
    format: str = typer.Option("table", "--format", "-f", help="table or json"),
) -> None:
    """Reported figures over time, or the contradictions between sources."""
    from rich.table import Table

    queries = _story(db, story)
    data = queries.contradictions() if contradictions else queries.claims()

    def table(console):
        if contradictions:
            for c in data:
                console.print(f"{c['date'] or '—'}  story {c['story'] or '—'}  {c['why']}", highlight=False,
                              markup=False)
            console.print(f"{len(data)} contradictions")
            return
        t = Table(title="Figures by quantity")
        for col in ("quantity", "date", "figure", "according to", "article"):
            t.add_column(col)
        for c in data:
            for f in c["figures"]:
                t.add_row(*_cells(c["quantity"], f["date"] or "—", f["text"], f["according_to"] or "—", f["document"]))
        console.print(t)

    _emit(data, format, table)


stories_app = typer.Typer(help="Developing stories: the articles grouped by what they share, as they arrive.",
                          invoke_without_command=True)
app.add_typer(stories_app, name="stories")


@stories_app.callback()
def stories(
    ctx: typer.Context,
    db: str | None = typer.Option(None, help=DB_HELP),
    format: str = typer.Option("table", "--format", "-f", help="table or json"),
) -> None:
    """The stories: title, dates, articles and sources (subcommands put articles in them by hand)."""
    if ctx.invoked_subcommand:
        return
    from dataclasses import asdict

    from rich.table import Table

    from .story.stories import Stories

    found = Stories(_stored(db)).list()

    def table(console):
        t = Table(title=f"{len(found)} stories")
        for col in ("id", "title", "from", "to", "articles", "sources"):
            t.add_column(col)
        for st in found:
            t.add_row(*_cells(str(st.id), st.title or "—", st.first_date or "—", st.last_date or "—", str(st.articles),
                      ", ".join(st.sources)))
        console.print(t)

    _emit([asdict(st) for st in found], format, table)


@stories_app.command("move")
def stories_move(
    article: str = typer.Argument(..., help="the article: its key, URL or title"),
    to: int | None = typer.Option(None, help="the story to put it in (default: a new story of its own)"),
    db: str | None = typer.Option(None, help=DB_HELP),
) -> None:
    """Put an article in another story, or in one of its own; it stays there on re-ingest and rebuild."""
    from .story.stories import Stories

    store = _stored(db)
    key = store.find_document(article)
    if key is None:
        _fail(f"no article {article!r} in {store.url}")
    try:
        story = Stories(store).move(key, to)
    except KeyError as e:
        _fail(f"{e.args[0]} in the store (`storyline stories` lists them)")
    print(f"{key} is in story {story}")


@stories_app.command("merge")
def stories_merge(
    into: int = typer.Argument(..., help="the story that stays"),
    other: int = typer.Argument(..., help="the story whose articles join it"),
    db: str | None = typer.Option(None, help=DB_HELP),
) -> None:
    """Merge two stories into one; their articles stay together on re-ingest and rebuild."""
    from .story.stories import Stories

    try:
        Stories(_stored(db)).merge(into, other)
    except KeyError as e:
        _fail(f"{e.args[0]} in the store (`storyline stories` lists them)")
    print(f"story {other} merged into story {into}")


@stories_app.command("rebuild")
def stories_rebuild(db: str | None = typer.Option(None, help=DB_HELP)) -> None:
    """Group all articles into stories again (after a change of the rule); hand-placed ones stay."""
    from .story.stories import Stories

    print(f"{Stories(_stored(db)).rebuild()} stories")


@app.command()
def reindex(db: str | None = typer.Option(None, help=DB_HELP)) -> None:
    """Rebuild the store's fact tables and search index from its stored records (after an upgrade
    that changes how facts are tabled); the records, versions and stories stay as they are."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .store.db import StoreError

    store = _stored(db)
    err = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task("reindexing", total=None)
        try:
            versions = store.reindex(progress=lambda done, total: bar.update(task, completed=done, total=total))
        except StoreError as e:
            _fail(str(e))
    counts = store.counts()
    print(f"reindexed {versions} versions: {counts['entities']} entities, {counts['events']} events, "
          f"{counts['quotes']} quotes, {counts['figures']} figures")


@app.command()
def search(
    text: str = typer.Argument(..., help="words to find (each also as the start of a word: 'Gahr' finds Gahr Støre)"),
    story: int | None = typer.Option(None, help=STORY_HELP),
    limit: int = typer.Option(50, help="at most this many hits"),
    db: str | None = typer.Option(None, help=DB_HELP),
    format: str = typer.Option("table", "--format", "-f", help="table or json"),
) -> None:
    """Articles, quotes and entities that contain the words, best first."""
    hits = _story(db, story).search(text, limit)

    def table(console):
        for h in hits:
            console.print(f"[bold]{escape(h['title'] or h['document'])}[/] {h['kind']} v{h['version']} "
                          f"({escape(h['source'] or '—')}): {escape(h['snippet'])}", highlight=False)
        console.print(f"{len(hits)} hits" if hits else f"0 hits for {text!r}")

    _emit(hits, format, table)


@app.command()
def export(
    format: str = typer.Option("jsonl", "--format", "-f", help="jsonl (records), csv or parquet (ACLED events)"),
    out: Path | None = typer.Option(None, "--out", "-o", help="file to write (default: standard output)"),
    story: int | None = typer.Option(None, help=STORY_HELP),
    db: str | None = typer.Option(None, help=DB_HELP),
) -> None:
    """Export the records (jsonl) or a flat events table in ACLED's layout (csv, parquet)."""
    from .story.export import acled_rows, parquet_bytes, write_csv

    if format not in ("jsonl", "csv", "parquet"):
        _fail(f"--format {format!r}: choose jsonl, csv or parquet")
    if format == "parquet" and out is None:
        _fail("--format parquet needs --out FILE")
    queries = _story(db, story)
    if format == "jsonl":
        fh = out.open("w", encoding="utf-8") if out else sys.stdout
        for record in queries.latest_records():
            fh.write(record + "\n")
        if out:
            fh.close()
        return
    rows = acled_rows(queries.timeline())
    if format == "parquet":
        out.write_bytes(parquet_bytes(rows))
        return
    fh = out.open("w", encoding="utf-8", newline="") if out else sys.stdout
    write_csv(rows, fh)
    if out:
        fh.close()


def main() -> None:
    """The `storyline` command: a store that cannot be opened or written is one line, not a traceback."""
    from .store.db import StoreError

    try:
        app()
    except StoreError as e:
        err.print(f"[bold red]error:[/] {escape(str(e))}", highlight=False)
        sys.exit(3)


if __name__ == "__main__":  # python -m storyline.cli
    main()
