"""The storyline command line: `storyline --help`."""
from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console

from .ingest.text import InputError, decode

app = typer.Typer(help="Norwegian news articles as a sourced, time-resolved record.", no_args_is_help=True,
                  add_completion=False)
eval_app = typer.Typer(help="Measure the trained pipeline on held-out data.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
err = Console(stderr=True, soft_wrap=True)


def _fail(message: str, code: int = 2) -> None:
    err.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code)


@app.command()
def extract(
    file: str = typer.Argument(..., help="article text file, or - for standard input"),
    published: str | None = typer.Option(None, help="publication date (ISO), resolves 'torsdag', 'i går'"),
    format: str = typer.Option("json", "--format", "-f", help="json or pretty"),
    id: str | None = typer.Option(None, help="document id (default: a hash of the text)"),
) -> None:
    """Extract the record of one article: entities, dates, quotes, figures, events, contradictions."""
    import storyline

    if format not in ("json", "pretty"):
        _fail(f"--format {format!r}: choose json or pretty")
    name = "stdin" if file == "-" else file
    try:
        data = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as e:
        _fail(f"{name}: {e.strerror or e}")
    try:
        text = decode(data, name)
        record = storyline.extract(text, published=published, id=id)
    except InputError as e:
        _fail(str(e).replace("input:", f"{name}:", 1))
    if format == "json":
        sys.stdout.write(record.model_dump_json(indent=1) + "\n")
    else:
        from .record.pretty import show

        show(record, Console())


@eval_app.command("ner")
def eval_ner(
    data: Path = typer.Option(Path("../shared/data/norne"), help="the NorNE folder"),
    split: str = typer.Option("test", help="dev or test"),
    lang: str = typer.Option("nb", help="nb (Bokmål) or nn (Nynorsk)"),
) -> None:
    """Strict entity-level P/R/F1 per NorNE label; the last line is the micro F1."""
    from .training.evaluate import evaluate_ner

    try:
        scores = evaluate_ner(data, split, lang)
    except FileNotFoundError as e:
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
) -> None:
    """UPOS and morphology accuracy, UAS/LAS, lemma accuracy and sentence F1 on UD data."""
    from .training.evaluate import evaluate_syntax

    try:
        s = evaluate_syntax(data, split, lang)
    except FileNotFoundError as e:
        _fail(str(e))
    for key in ("pos_acc", "morph_acc", "lemma_acc", "dep_uas", "dep_las", "sents_f"):
        print(f"{key}: {s[key]:.3f}")


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # python -m storyline.cli
    app()
