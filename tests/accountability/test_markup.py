"""The letter markup: shape from plain text, and nothing a user types becomes HTML."""

from __future__ import annotations

from accountability.markup import render


def test_headings_lists_paragraphs_and_bold() -> None:
    html = render("为落实责任制。\n\n# 主要职责\n- 党政同责\n- **一岗双责**\n\n第一行\n第二行")
    assert html == (
        "<p>为落实责任制。</p>\n"
        '<h3 class="letter-heading">主要职责</h3>\n'
        "<ul><li>党政同责</li><li><strong>一岗双责</strong></li></ul>\n"
        "<p>第一行<br>第二行</p>"
    )


def test_a_heading_alone_and_a_list_then_text_in_one_block() -> None:
    assert render("# 责任追究") == '<h3 class="letter-heading">责任追究</h3>'
    assert render("- 甲\n- 乙\n说明") == "<ul><li>甲</li><li>乙</li></ul>\n<p>说明</p>"


def test_user_html_is_escaped() -> None:
    html = render("# <script>x</script>\n- <b>a</b>\n**<img src=x onerror=alert(1)>**")
    assert "<script>" not in html and "<b>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
