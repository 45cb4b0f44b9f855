"""The ``cooccur`` command: a thin shell over the library.

Each option is generated from :data:`cooccur.config.PARAMS`, so a flag
``--top-n`` is always the library keyword ``top_n`` and the TOML key ``top_n``.
Only click and the parameter table are imported on the ``--help`` path; pandas,
scikit-learn and matplotlib load when a command actually runs.

Exit codes
----------
0  success
1  internal error (a bug: please report it with ``--debug`` output)
2  usage error: bad option or value, bad config file, output folder refused
3  finished, but some input files were rejected (outputs for the rest written)
4  nothing usable: no readable utterance, or no term left after filtering
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Callable

import click

from . import __version__
from .config import PARAMS, Param

__all__ = ["main", "cli", "EXIT_OK", "EXIT_INTERNAL", "EXIT_USAGE", "EXIT_PARTIAL", "EXIT_NOTHING"]

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_PARTIAL, EXIT_NOTHING = 0, 1, 2, 3, 4


def _option_for(p: Param) -> Callable:
    flag = "--" + p.name.replace("_", "-")
    help_text = p.help
    if p.default not in (None, (), False):
        shown = ",".join(p.default) if isinstance(p.default, tuple) else p.default
        help_text += f"  [default: {shown}]"
    kwargs: dict[str, Any] = {"help": help_text, "default": None}
    if p.type is bool:
        return click.option(f"{flag}/--no-{flag[2:]}", p.name, **kwargs)
    if p.choices is not None:
        kwargs["type"] = click.Choice(p.choices, case_sensitive=True)
    elif p.type is not None:
        kwargs["type"] = p.type
    if p.multiple:
        kwargs["multiple"] = True
        kwargs["default"] = ()
        kwargs["help"] += " (repeatable)"
    return click.option(flag, p.name, **kwargs)


def stage_options(*stages: str) -> Callable:
    """Decorator adding one option per parameter of the given stages."""
    selected = [p for p in PARAMS if p.stage in stages and p.cli]

    def decorate(func: Callable) -> Callable:
        for p in reversed(selected):
            func = _option_for(p)(func)
        return func

    return decorate


def param_options(*names: str) -> Callable:
    """Decorator adding the options of the named parameters (from any stage)."""
    by_name = {p.name: p for p in PARAMS}

    def decorate(func: Callable) -> Callable:
        for name in reversed(names):
            func = _option_for(by_name[name])(func)
        return func

    return decorate


def _given(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Only the options the user actually gave (so config-file values are not overridden)."""
    return {k: v for k, v in kwargs.items() if v is not None and v != ()}


def _fail(message: str, code: int) -> None:
    click.echo(f"cooccur: error: {message}", err=True)
    sys.exit(code)


def _run_guarded(func: Callable[[], int | None], debug: bool) -> None:
    from .errors import AnalysisError, CooccurError, InputError

    try:
        code = func() or EXIT_OK
    except AnalysisError as exc:
        _fail(str(exc), EXIT_NOTHING)
    except InputError as exc:
        _fail(str(exc), EXIT_NOTHING)
    except (CooccurError, ValueError) as exc:
        _fail(str(exc), EXIT_USAGE)
    except BrokenPipeError:  # `cooccur kwic … | head`: the reader has gone, which is not an error
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        sys.exit(EXIT_OK)
    except KeyboardInterrupt:
        click.echo("cooccur: interrupted; files already in place are complete, nothing half-written was left.",
                   err=True)
        sys.exit(130)
    except Exception as exc:  # a bug: one line unless --debug
        if debug:
            raise
        _fail(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug and report it)", EXIT_INTERNAL)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="cooccur")
def cli() -> None:
    """Co-occurrence networks and keyword rankings from Japanese transcripts.

    Start with:  cooccur analyze data/sample -o out
    """


@cli.command()
@click.argument("input", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="Folder for the outputs (created if missing).")
@click.option("--config", type=click.Path(path_type=Path), default=None,
              help="TOML file with the same keywords as the options (command-line options win).")
@click.option("--force", is_flag=True, default=False,
              help="Write into a non-empty folder that cooccur did not create (nothing is deleted).")
@click.option("--cache/--no-cache", "cache", default=True,
              help="Reuse the tokenization of unchanged documents (kept in OUTPUT/.cache).  [default: cache]")
@click.option("-q", "--quiet", is_flag=True, default=False, help="No progress bar and no summary.")
@click.option("--debug", is_flag=True, default=False, help="Show the traceback of internal errors.")
@stage_options("read", "speakers", "tokenize", "cooccurrence", "network", "keywords", "analyses", "plot", "export",
               "engine")
def analyze(input: Path, output: Path, config: Path | None, force: bool, cache: bool, quiet: bool, debug: bool,
            **params: Any) -> None:
    """Read INPUT (a transcript file or folder) and write the analysis to OUTPUT.

    Writes utterances and tokens tables, keywords.csv, nodes.csv, edges.csv,
    the network as PNG/SVG/PDF/GraphML/GEXF/JSON/HTML, report.html and
    manifest.json.
    """

    def work() -> int:
        from .pipeline import analyze as run_analyze

        with _progress(quiet) as progress:
            analysis = run_analyze(input, output=output, config=config, force=force, cache=cache,
                                   progress=progress, **_given(params))
        _print_summary(analysis, output, quiet=quiet)
        rejected = int((analysis.corpus.files["status"] == "error").sum())
        return EXIT_PARTIAL if rejected else EXIT_OK

    _run_guarded(work, debug)


@cli.command()
@click.argument("input", type=click.Path(path_type=Path))
@click.argument("term")
@click.option("--width", type=int, default=30, show_default=True, help="Characters of context on each side.")
@click.option("--exact", is_flag=True, default=False,
              help="Only occurrences that are a whole token (not inside longer compounds).")
@click.option("--config", type=click.Path(path_type=Path), default=None, help="TOML file with parameters.")
@click.option("--debug", is_flag=True, default=False, help="Show the traceback of internal errors.")
@stage_options("read", "speakers", "tokenize")
def kwic(input: Path, term: str, width: int, exact: bool, config: Path | None, debug: bool, **params: Any) -> None:
    """Concordance of TERM in INPUT: who said it, in context (tab-separated, with a header row).

    INPUT is a transcript file or folder, or an output folder of `cooccur
    analyze -o` (answered from its tables, without tokenizing again). Every
    occurrence is shown, also inside longer compounds and in words that are
    not counted; the `term` column names the counted term that holds it.
    """

    def work() -> int:
        from .kwic_search import is_output_folder
        from .pipeline import kwic_lines

        given = _given(params)
        if is_output_folder(input) and (given or config is not None):
            click.echo(f"cooccur: warning: {input} is an analysed output folder: its tables are used as they are "
                       f"and {', '.join(sorted(given)) or '--config'} do not apply", err=True)
            given, cfg = {}, None
        else:
            cfg = config
        # a term that never occurs is a ValueError naming close matches (exit 2)
        lines = kwic_lines(input, term, width=width, exact=exact, config=cfg, **given)
        columns = ["doc_id", "line", "speaker", "left", "keyword", "right", "term", "match"]
        click.echo("\t".join(columns))
        for row in lines[columns].itertuples(index=False):
            click.echo("\t".join("" if _missing(x) else str(x) for x in row))
        return EXIT_OK

    _run_guarded(work, debug)


def _missing(x) -> bool:
    """NA, None or NaN: printed as an empty TSV cell."""
    import pandas as pd

    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


@cli.command()
@click.argument("input", type=click.Path(path_type=Path))
@click.option("--group-by", "group_by", required=True, help="Metadata column whose values form the groups.")
@click.option("--groups", nargs=2, default=None, help="The two values to compare (default: the two most frequent).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Folder for comparison_edges.csv, comparison_terms.csv and comparison.png.")
@click.option("--config", type=click.Path(path_type=Path), default=None, help="TOML file with parameters.")
@click.option("--force", is_flag=True, default=False, help="Write into a non-empty folder not made by cooccur.")
@click.option("--debug", is_flag=True, default=False, help="Show the traceback of internal errors.")
@stage_options("read", "speakers", "tokenize", "cooccurrence")
@param_options("communities", "seed", "size", "dpi", "transparent")
def compare(input: Path, group_by: str, groups: tuple[str, str] | None, output: Path | None, config: Path | None,
            force: bool, debug: bool, **params: Any) -> None:
    """Compare the networks of two groups (e.g. 区部 vs 多摩部): edges and terms that appear, vanish or change."""

    def work() -> int:
        from .pipeline import compare as run_compare

        result = run_compare(input, group_by=group_by, groups=groups, output=output, config=config, force=force,
                             **_given(params))
        click.echo(result.edges.to_csv(sep="\t", index=False, float_format="%.6g"), nl=False)
        return EXIT_OK

    _run_guarded(work, debug)


@cli.command(name="ca")
@click.argument("input", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Folder for correspondence.csv, correspondence_inertia.csv, correspondence_table.csv and "
                   "correspondence.png.")
@click.option("--config", type=click.Path(path_type=Path), default=None, help="TOML file with parameters.")
@click.option("--force", is_flag=True, default=False, help="Write into a non-empty folder not made by cooccur.")
@click.option("--debug", is_flag=True, default=False, help="Show the traceback of internal errors.")
@stage_options("read", "tokenize", "cooccurrence", "network", "analyses", "plot")
def ca(input: Path, output: Path | None, config: Path | None, force: bool, debug: bool, **params: Any) -> None:
    """Correspondence analysis (対応分析) of terms x the --group-by values (or x documents).

    Prints the inertia per dimension (tab-separated); with -o writes the tables and the biplot.
    """

    def work() -> int:
        from .analyses import correspondence_analysis

        result = correspondence_analysis(input, output=output, config=config, force=force, **_given(params))
        click.echo(result.inertia.to_csv(sep="\t", index=False, float_format="%.6g"), nl=False)
        return EXIT_OK

    _run_guarded(work, debug)


@cli.command(name="params")
def params_cmd() -> None:
    """List every parameter with its default (the keys a --config TOML file may hold)."""
    for p in PARAMS:
        default = ",".join(p.default) if isinstance(p.default, tuple) else p.default
        choices = f"  choices: {', '.join(p.choices)}" if p.choices else ""
        click.echo(f"{p.name} = {default!r}   [{p.stage}] {p.help}{choices}")


class _progress:
    """A tqdm bar over characters tokenized, on stderr, only when it is a terminal."""

    def __init__(self, quiet: bool):
        self.enabled = not quiet and sys.stderr.isatty() and not os.environ.get("CI")
        self.bar = None

    def __enter__(self):
        if not self.enabled:
            return None
        from tqdm import tqdm

        self.bar = tqdm(total=None, unit="字", unit_scale=True, desc="tokenizing", file=sys.stderr, leave=False)
        return self.bar.update

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.close()
        return False


def _short_error(doc_id, path, error) -> str:
    """``doc_id[:line]: message`` — the error without the absolute path it starts with."""
    error, path = str(error), str(path)
    if path and error.startswith(path + ":"):
        rest = error[len(path) + 1:]
        head, sep, tail = rest.partition(":")
        if sep and head.isdigit():
            return f"{doc_id}:{head}:{tail}"
        return f"{doc_id}:{rest}"
    return f"{doc_id}: {error}"


def _print_summary(analysis, output: Path, *, quiet: bool = False) -> None:
    """One screen at the end; with ``quiet``, only rejected files and warnings (never silent loss)."""
    s = analysis.summary()
    files = analysis.corpus.files
    bad = files[files["status"] == "error"]
    problems = [f"  rejected: {_short_error(row.doc_id, row.path, row.error)}" for row in bad.itertuples(index=False)]
    errors = set(bad["error"].dropna())
    warnings = [f"  warning: {w}" for w in analysis.warnings if w not in errors]
    if quiet:
        if problems or warnings:
            click.echo("\n".join(problems + warnings), err=True)
        return
    excluded = s.get("utterances_excluded") or {}
    excluded_text = ", ".join(f"{n} {reason}" for reason, n in sorted(excluded.items())) or "none"
    skipped = files[files["status"] == "skipped"]["doc_id"].tolist()
    skipped_text = f" ({', '.join(skipped[:5])}{', …' if len(skipped) > 5 else ''})" if skipped else ""
    lines = [
        f"files: {s.get('files_ok', 0)} read, {s.get('files_skipped', 0)} skipped{skipped_text}, "
        f"{s.get('files_error', 0)} rejected ({s.get('metadata_files', 0)} metadata tables)",
        f"utterances: {s.get('utterances_analysed', 0)} analysed, excluded: {excluded_text}",
        f"tokens: {s['tokens']} ({s['counted_tokens']} counted, {s['distinct_terms']} distinct terms)",
        f"network: {s['nodes']} nodes, {s['edges']} edges ({s['candidate_terms']} candidate terms by "
        f"{analysis.parameters.get('selection', 'frequency')}, min_frequency={s['min_frequency_applied']}, "
        f"unit={analysis.parameters['unit']}, measure={analysis.parameters['measure']})",
        f"outputs: {output}",
    ]
    if analysis.cache_stats:
        c = analysis.cache_stats
        lines.insert(2, "token cache: the whole tokens table reused" if c.get("tokens_reused") else
                     f"token cache: {c['hits']} documents reused, {c['misses']} tokenized")
        if c.get("files_reused"):
            lines.insert(2, f"read cache: {c['files_reused']} transcripts not parsed again")
        if c.get("figures_reused"):
            lines.insert(-1, f"figure cache: {c['figures_reused']} figure files not drawn again")
        if c.get("stages_reused"):
            lines.insert(-1, f"stage cache: {c['stages_reused']} token-only stages not computed again "
                             "(dispersion, keyword scores, term families)")
    lines.extend(problems + warnings)
    click.echo("\n".join(lines), err=True)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``cooccur`` console script."""
    cli.main(args=argv, prog_name="cooccur")


if __name__ == "__main__":  # pragma: no cover
    main()
