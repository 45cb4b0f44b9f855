"""The band under a network figure: caption lines, legend rows and a colour bar (matplotlib inside).

Drawing, kept apart from the label-placement maths of :mod:`cooccur.labels`
(which it uses to flow legend items into rows). :mod:`cooccur.plot` calls
:func:`draw_footer` first and gives the rest of the axes to the network.
"""

from __future__ import annotations

from typing import Sequence

from .labels import flow

__all__ = ["draw_footer"]


def draw_footer(ax, caption: str, legend: Sequence[tuple[str, str]], colorbar=None, *, scale: float = 1.0,
                renderer=None) -> float:
    """Draw legend rows and caption lines along the bottom of a network axes (matplotlib inside).

    The axes' data units must be display pixels. The caption wraps at ``・``;
    legend items (text, colour) flow into at most two rows, the rest counted
    as ``ほか N``; ``colorbar`` is ``(cmap, norm, name)`` drawn at the right.
    Texts get the gids ``caption`` and ``legend``.

    Returns
    -------
    float
        Height of the band taken (display pixels).
    """
    from matplotlib.font_manager import FontProperties

    renderer = renderer or ax.figure.canvas.get_renderer()
    px = ax.figure.dpi / 72.0
    W = ax.bbox.width
    fs_cap, fs_leg = 12.5 * scale, 13.5 * scale

    def width(s, fs):
        return renderer.get_text_width_height_descent(s, FontProperties(size=fs), ismath=False)[0]

    left, right = 6 * px, W - 6 * px
    cap_right = right
    if colorbar is not None:
        cap_right = 0.74 * W - width(colorbar[2], 12 * scale) - 16 * px
    parts = caption.split("・")
    rows = flow([width(p + "・", fs_cap) for p in parts], width=cap_right - left, gap=0.0)
    lines = ["・".join(parts[i] for i, _ in row) + ("・" if k < len(rows) - 1 else "") for k, row in enumerate(rows)]
    step = fs_cap * 1.45 * px
    y = 6 * px + step / 2
    for line in reversed(lines):
        ax.text(left, y, line, fontsize=fs_cap, va="center", ha="left", color="#333333", parse_math=False,
                zorder=5, gid="caption")
        y += step
    top = y - step / 2
    if colorbar is not None:
        import matplotlib.colorbar as mcb

        cm, norm, name = colorbar
        H = ax.bbox.height
        cax = ax.inset_axes((0.76, (top + 10 * px) / H, 0.21, 9 * px / H))
        bar = mcb.Colorbar(cax, cmap=cm, norm=norm, orientation="horizontal")
        bar.ax.tick_params(labelsize=10 * scale, length=2, pad=1)
        bar.outline.set_linewidth(0.5)
        ax.text(0.76 * W - 8 * px, top + 14.5 * px, name, fontsize=12 * scale, ha="right", va="center",
                parse_math=False)
        top += 24 * px
    if legend:
        step = fs_leg * 1.6 * px
        sw = fs_leg * 0.85
        widths = [sw * px + 5 * px + width(text, fs_leg) for text, _ in legend]
        rows = flow(widths, width=right - left, gap=18 * px, max_rows=2, reserve=width("ほか 00", fs_leg))
        rows = [[(left + x, *legend[i]) for i, x in row] for row in rows]
        shown = sum(len(row) for row in rows)
        if shown < len(legend):
            rows[-1].append((rows[-1][-1][0] + widths[shown - 1] + 18 * px, f"ほか {len(legend) - shown}", None))
        y = top + 4 * px + step / 2
        for row in reversed(rows):
            for x, text, col in row:
                if col is not None:
                    ax.scatter([x + sw * px / 2], [y], s=sw ** 2, c=[col], alpha=0.85, zorder=5, gid="legend")
                    x += sw * px + 5 * px
                ax.text(x, y, text, fontsize=fs_leg, va="center", ha="left", color="#222222", parse_math=False,
                        zorder=5, gid="legend")
            y += step
        top = y - step / 2
    return top + 6 * px
