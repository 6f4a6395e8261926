"""The text layout the rationale is printed with: widths in terminal cells, hanging indents, styles only
on a terminal, and no markup read from the text."""

from icitrace.render.page import Page, cells


def test_wide_and_combining_characters_count_as_the_terminal_shows_them():
    assert cells("abc") == 3 and cells("東京") == 4 and cells("e\u0301") == 1


def test_paragraphs_wrap_by_words_and_keep_their_indent():
    page = Page(width=20)
    page.say(4, "one two three four five six")
    assert page.text() == "    one two three\n    four five six\n"
    assert all(len(line) <= 20 for line in page.lines)


def test_a_word_longer_than_a_line_is_cut_and_wide_text_fits_its_cells():
    page = Page(width=10)
    page.say(2, "x" * 20)
    page.say(0, "東京の腫瘍東京の腫瘍")
    assert page.lines == ["  xxxxxxxx", "  xxxxxxxx", "  xxxx", "東京の腫瘍", "東京の腫瘍"]


def test_styles_reach_a_terminal_only_and_text_is_never_read_as_markup():
    plain, coloured = Page(), Page(color=True)
    for page in (plain, coloured):
        page.say(0, ("[bold]id[/]", "bold cyan"), " [/oops] label")
    assert plain.lines == ["[bold]id[/] [/oops] label"]
    assert coloured.lines == ["\x1b[1;36m[bold]id[/]\x1b[0m [/oops] label"]
