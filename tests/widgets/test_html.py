"""The shared HTML helpers of the renderers (widgets/common/html.py), without widgets."""

from __future__ import annotations

from smskit_widgets.common.html import CELL_STYLE, figure_svg, header_cells, heading, svg_pyplot


def test_heading_escapes_its_text_and_takes_a_level_and_style() -> None:
    assert heading("Tom & <Jerry>") == "<h3>Tom &amp; &lt;Jerry&gt;</h3>"
    assert heading("Back", 4, "margin:0") == "<h4 style='margin:0'>Back</h4>"


def test_header_cells_escape_each_label() -> None:
    assert header_cells(["A&B", "C"]) == "<th>A&amp;B</th><th>C</th>"
    assert header_cells(["x"], CELL_STYLE) == f"<th style='{CELL_STYLE}'>x</th>"
    assert header_cells([]) == ""


def test_figure_is_inline_svg_with_text_kept_as_text_and_closed() -> None:
    with svg_pyplot() as plt:
        fig, ax = plt.subplots()
        ax.set_title("Segments < 3 & more")
        svg = figure_svg(fig)
        assert not plt.fignum_exists(fig.number)
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg
    # svg.fonttype "none": the title is a <text> element, escaped, not drawn as glyph paths.
    assert "Segments &lt; 3 &amp; more" in svg


def test_figures_keep_stable_element_ids() -> None:
    def draw() -> str:
        with svg_pyplot() as plt:
            fig, ax = plt.subplots()
            ax.plot([1, 2], [3, 4])
            svg = figure_svg(fig)
        return svg[svg.find("</metadata>") :]  # the metadata block carries the drawing date

    assert draw() == draw()
