"""Layers point one way: interfaces (cli, api, web) -> story -> store -> record <- nlp, with the
pure `text` module at the bottom. Read from the source's import statements, so a new import that
points the wrong way fails here, not in a review."""
import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "storyline"
# what each layer may import besides itself ("" is the package's top: storyline.extract, load)
MAY_IMPORT = {
    "text": set(),
    "record": {"text"},
    "nlp": {"record", "text"},
    "store": {"record", "text"},
    "story": {"store", "record", "text"},
    "ingest": {"story", "store", "record", "nlp", "text", ""},  # sits with the interfaces
    "training": {"ingest", "nlp", "record", "text", ""},
    "api": {"ingest", "story", "store", "record", "text", ""},
    "web": {"text"},
}


def layer_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) < 2 or not ((PACKAGE / parts[1]).is_dir() or (PACKAGE / f"{parts[1]}.py").exists()):
        return ""  # storyline itself, or a name it holds ("from storyline import load")
    return parts[1]


def imports(path: Path) -> set[str]:
    """The storyline modules a source file imports, anywhere in it (lazy imports too)."""
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            names = [target] if node.module else [f"{target}.{a.name}" for a in node.names]
            found.update(n for n in names if n.startswith("storyline"))
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("storyline"))
    return found


def test_every_import_points_down_the_layers():
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        own = layer_of(module)
        if own in ("", "cli"):
            continue  # the package's top and the CLI may import any layer
        for target in imports(path):
            other = layer_of(target)
            if other != own and other not in MAY_IMPORT[own]:
                wrong.append(f"{module} imports {target}")
    assert not wrong, "\n".join(wrong)


def test_the_check_reads_relative_imports():
    # the test above would pass on a reader that sees nothing: it must see nlp's own imports
    assert "storyline.record.model" in imports(PACKAGE / "nlp" / "build.py")
    assert "storyline.nlp.util" in imports(PACKAGE / "nlp" / "build.py")


def test_the_store_and_the_story_queries_load_no_spacy():
    code = ("import sys, storyline.store.db, storyline.story.queries, storyline.story.stories; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('spacy', 'thinc', 'storyline.nlp')"
            " or m.startswith('storyline.nlp')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_read_commands_load_no_spacy(tmp_path):
    """`storyline search` and the other read commands start in a fraction of a second: only
    `extract`, `ingest`, `watch` and `batch` need the pipeline."""
    from storyline.store.db import Store

    Store(tmp_path / "s.db")  # an empty store
    code = ("import sys; from typer.testing import CliRunner; from storyline.cli import app; "
            f"r = CliRunner().invoke(app, ['search', 'flom', '--db', {str(tmp_path / 's.db')!r}]); "
            "print(r.exit_code, sorted(m for m in sys.modules if m.split('.')[0] in ('spacy', 'thinc')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "0 []"
