// Where text output goes: the terminal's width and colours, and a pager for long output,
// the way journalctl and git do it.
#pragma once

#include <cstddef>
#include <string>

namespace hungtask {

struct Terminal {
    bool tty = false;   // standard output is a terminal
    size_t width = 80;  // $COLUMNS, else the terminal's width, else 80
    size_t rows = 24;
    bool color = false;  // on a terminal, without NO_COLOR, TERM not "dumb"
};

// Looks at file descriptor `fd` (standard output) and the environment.
Terminal detect_terminal(int fd);

// Shows `text` through $PAGER (default "less -FRX"; LESS gets FRX when unset) when
// `term` is a terminal and `text` has more lines than it.  Returns false when no pager
// was used (the caller writes `text` itself).
bool show_in_pager(const std::string& text, const Terminal& term);

}  // namespace hungtask
