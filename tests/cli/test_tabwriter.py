"""Tests for swarmsim.cli.tabwriter against docker golden tables and Go's tabwriter examples.

Expected outputs are written as lists of quoted lines so that trailing spaces are explicit.
"""

from __future__ import annotations

import pytest

from swarmsim.cli.tabwriter import TabWriter, char_width, display_width, render_table


def lines(*rows: str) -> str:
    """Join expected output lines the way the writer ends them."""
    return "".join(row + "\n" for row in rows)


# --- docker goldens -------------------------------------------------------------------------


def test_node_ls_golden() -> None:
    # cli/command/node/testdata/node-list-sort.golden; the ID cell is "<id> *" or "<id>  ".
    rows = [
        ["ID  ", "HOSTNAME", "STATUS", "AVAILABILITY", "MANAGER STATUS", "ENGINE VERSION"],
        ["nodeID3  ", "node-1-foo", "Ready", "Active", "", "1.13.0"],
        ["nodeID1 *", "node-2-foo", "Ready", "Active", "Leader", "."],
        ["nodeID2  ", "node-10-foo", "Ready", "Active", "Reachable", "18.03.0-ce"],
    ]
    assert render_table(rows) == lines(
        "ID          HOSTNAME      STATUS    AVAILABILITY   MANAGER STATUS   ENGINE VERSION",
        "nodeID3     node-1-foo    Ready     Active                          1.13.0",
        "nodeID1 *   node-2-foo    Ready     Active         Leader           .",
        "nodeID2     node-10-foo   Ready     Active         Reachable        18.03.0-ce",
    )


def test_stack_services_golden() -> None:
    rows = [
        ["ID", "NAME", "MODE", "REPLICAS", "IMAGE", "PORTS"],
        ["id-foo", "name-foo", "replicated", "0/2", "busybox:latest", "*:30000->3232/tcp"],
    ]
    assert render_table(rows) == lines(
        "ID        NAME       MODE         REPLICAS   IMAGE            PORTS",
        "id-foo    name-foo   replicated   0/2        busybox:latest   *:30000->3232/tcp",
    )


TASK_HEADER = [
    "ID",
    "NAME",
    "IMAGE",
    "NODE",
    "DESIRED STATE",
    "CURRENT STATE",
    "ERROR",
    "PORTS",
]


def test_task_print_with_indentation_golden() -> None:
    rows = [
        TASK_HEADER,
        [
            "id-foo",
            "service-name-foo.1",
            "myimage:mytag",
            "node-name-bar",
            "Ready",
            "Failed 2 hours ago",
            "",
            "",
        ],
        [
            "id-bar",
            " \\_ service-name-foo.1",
            "myimage:mytag",
            "node-name-bar",
            "Ready",
            "Failed 2 hours ago",
            "",
            "",
        ],
    ]
    assert render_table(rows) == lines(
        "ID        NAME                     IMAGE           NODE            DESIRED STATE   "
        "CURRENT STATE        ERROR     PORTS",
        "id-foo    service-name-foo.1       myimage:mytag   node-name-bar   Ready           "
        "Failed 2 hours ago             ",
        "id-bar     \\_ service-name-foo.1   myimage:mytag   node-name-bar   Ready           "
        "Failed 2 hours ago             ",
    )


def test_node_ps_with_errors_golden() -> None:
    rows = [
        TASK_HEADER,
        [
            "taskID1",
            "failure.1",
            "myimage:mytag",
            "defaultNodeName",
            "Ready",
            "Ready 2 hours ago",
            '"a task error"',
            "",
        ],
        [
            "taskID2",
            " \\_ failure.1",
            "myimage:mytag",
            "defaultNodeName",
            "Ready",
            "Ready 3 hours ago",
            '"a task error"',
            "",
        ],
    ]
    assert render_table(rows) == lines(
        "ID        NAME            IMAGE           NODE              DESIRED STATE   "
        "CURRENT STATE       ERROR            PORTS",
        "taskID1   failure.1       myimage:mytag   defaultNodeName   Ready           "
        'Ready 2 hours ago   "a task error"   ',
        "taskID2    \\_ failure.1   myimage:mytag   defaultNodeName   Ready           "
        'Ready 3 hours ago   "a task error"   ',
    )


def test_node_ps_multiple_nodes_golden() -> None:
    # cli/command/node/testdata/node-ps.multiple-nodes-no-duplicates.golden
    rows = [TASK_HEADER]
    for number, age in ((1, 2), (2, 3), (3, 2), (4, 3)):
        rows.append(
            [
                f"taskID{number}",
                f"service{number}.1",
                "myimage:mytag",
                "defaultNodeName",
                "Ready",
                f"Running {age} hours ago",
                "",
                "",
            ]
        )
    expected = [
        "ID        NAME         IMAGE           NODE              DESIRED STATE   "
        "CURRENT STATE         ERROR     PORTS"
    ]
    for number, age in ((1, 2), (2, 3), (3, 2), (4, 3)):
        expected.append(
            f"taskID{number}   service{number}.1   myimage:mytag   defaultNodeName   "
            f"Ready           Running {age} hours ago" + " " * 13
        )
    assert render_table(rows) == lines(*expected)


def test_stack_ls_golden() -> None:
    rows = [
        ["NAME", "SERVICES"],
        ["service-name-1-foo", "1"],
        ["service-name-2-foo", "1"],
        ["service-name-10-foo", "1"],
    ]
    assert render_table(rows) == lines(
        "NAME                  SERVICES",
        "service-name-1-foo    1",
        "service-name-2-foo    1",
        "service-name-10-foo   1",
    )


# --- table rules ----------------------------------------------------------------------------


def test_minwidth_and_padding() -> None:
    assert render_table([["A", "B"], ["x", "y"]]) == lines("A         B", "x         y")
    assert render_table([["ABCDEFGH", "B"]]) == lines("ABCDEFGH   B")


def test_last_cell_is_not_padded_and_empty_last_cell_keeps_padding() -> None:
    assert render_table([["NAME", "X"], ["a", ""]]) == lines("NAME      X", "a         ")


def test_empty_middle_cell_is_padded() -> None:
    assert render_table([["A", "", "C"]]) == lines("A" + " " * 9 + " " * 10 + "C")


def test_ellipsis_counts_as_one_column() -> None:
    cell = '"no suitable node (scheduling …"'
    assert display_width(cell) == 32
    output = render_table([["ERROR", "PORTS"], [cell, ""]])
    assert output == lines("ERROR" + " " * 30 + "PORTS", cell + "   ")


def test_wide_characters_count_two_columns() -> None:
    assert char_width("日") == 2
    assert char_width("\u0301") == 0
    assert char_width("\x1b") == 0
    assert display_width("e\u0301") == 1
    assert render_table([["日本語", "x"], ["abc", "y"]]) == lines("日本語    x", "abc       y")


def test_shorter_row_ends_column_block() -> None:
    # The one-cell line splits the table in two independent blocks.
    rows = [["a-very-long-cell", "x"], ["only"], ["b", "y"]]
    assert render_table(rows) == lines("a-very-long-cell   x", "only", "b         y")


def test_column_blocks_per_column() -> None:
    # Column 1 is only contiguous over the first two lines: the fourth line's second column
    # is a different block with its own width.
    rows = [["a", "bbbbbbbbbbbbbb", "c"], ["aa", "b", "c"], ["aaa", ""], ["aaaa", "d", "e"]]
    assert render_table(rows) == lines(
        "a         bbbbbbbbbbbbbb   c",
        "aa        b                c",
        "aaa       ",
        "aaaa      d         e",
    )


def test_no_rows() -> None:
    assert render_table([]) == ""


# --- TabWriter against Go's text/tabwriter examples ----------------------------------------


def test_go_example_elastic() -> None:
    writer = TabWriter(0, 0, 1, ".", align_right=True, debug=True)
    writer.write("a\tb\tc\naa\tbb\tcc\naaa\t\naaaa\tdddd\teeee\n")
    assert writer.flush() == lines("....a|..b|c", "...aa|.bb|cc", "..aaa|", ".aaaa|.dddd|eeee")


def test_go_example_trailing_tab() -> None:
    writer = TabWriter(0, 0, 3, "-", align_right=True, debug=True)
    writer.write("a\tb\taligned\t\n")
    writer.write("aa\tbb\taligned\t\n")
    writer.write("aaa\tbbb\tunaligned\n")
    writer.write("aaaa\tbbbb\taligned\t\n")
    assert writer.flush() == lines(
        "------a|------b|---aligned|",
        "-----aa|-----bb|---aligned|",
        "----aaa|----bbb|unaligned",
        "---aaaa|---bbbb|---aligned|",
    )


def test_go_example_init_tab_padding() -> None:
    writer = TabWriter(0, 8, 0, "\t")
    writer.write("a\tb\tc\td\t.\n123\t12345\t1234567\t123456789\t.\n\n")
    assert writer.flush() == lines("a\tb\tc\td\t\t.", "123\t12345\t1234567\t123456789\t.", "")


def test_go_example_init_right_aligned() -> None:
    writer = TabWriter(5, 0, 1, " ", align_right=True)
    writer.write("a\tb\tc\td\t.\n123\t12345\t1234567\t123456789\t.\n\n")
    assert writer.flush() == lines(
        "    a     b       c         d.", "  123 12345 1234567 123456789.", ""
    )


def test_discard_empty_columns_only_for_soft_tabs() -> None:
    soft = TabWriter(0, 0, 1, " ", discard_empty_columns=True)
    soft.write("a\v\vb\nc\v\vd\n")
    assert soft.flush() == lines("a b", "c d")
    hard = TabWriter(0, 0, 1, " ", discard_empty_columns=True)
    hard.write("a\t\tb\nc\t\td\n")
    assert hard.flush() == lines("a  b", "c  d")


def test_tab_indent_pads_leading_empty_cells_with_tabs() -> None:
    writer = TabWriter(0, 4, 1, " ", tab_indent=True)
    writer.write("\tx\ty\n\tlonger\tz\n")
    assert writer.flush() == lines("\tx      y", "\tlonger z")


def test_text_without_final_newline_is_flushed() -> None:
    writer = TabWriter()
    writer.write("a\tb\ncc\tdd")
    assert writer.flush() == "a         b\ncc        dd"


def test_single_cell_line_flushes_early_and_incremental_writes_match() -> None:
    writer = TabWriter()
    writer.write("x\ty\n")
    assert writer.flush() == lines("x         y")
    writer.write("head\nA\tB")
    writer.write("\nlong-long-cell\tC\n")
    assert writer.flush() == lines("head", "A                B", "long-long-cell   C")


def test_form_feed_ends_blocks() -> None:
    writer = TabWriter(0, 0, 1, " ", debug=True)
    writer.write("aaaa\tb\n\fc\td\n")
    assert writer.flush() == "aaaa |b\n\n---\nc |d\n"


def test_invalid_configuration() -> None:
    with pytest.raises(ValueError):
        TabWriter(-1)
    with pytest.raises(ValueError):
        TabWriter(padchar="ab")


@pytest.mark.parametrize(
    ("text", "width"),
    [("abc def", 7), ("", 0), ("a\x1b[1mb", 5), ("x\x7fy", 2), ("\x00\x1f", 0), ("~ !", 3)],
)
def test_ascii_control_characters_take_no_column(text: str, width: int) -> None:
    assert display_width(text) == width
