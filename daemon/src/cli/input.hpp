// Reading the command line's input files: one file, standard input or what a
// directory holds, with every failure naming the path and the reason.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "model/result.hpp"

namespace hungtask {

// strerror(e).
std::string errno_text(int e);

// Reads FILE or, for "-", all of `in`.  A directory, a FIFO and a /proc file are read
// the way they allow; every failure names the path and the reason.
Result<std::string> read_input(const std::string& path, std::istream& in);

// A directory stands for the regular, non-empty files under it, recursively, in path
// order: pstore (/sys/fs/pstore) and systemd-pstore's archive
// (/var/lib/systemd/pstore/ID/dmesg.txt).  Symbolic links are not followed, so /proc
// and /sys trees end.  A subdirectory that cannot be listed is reported to `err` and
// skipped.
std::vector<std::string> expand_dir(const std::string& dir, std::ostream& err);

}  // namespace hungtask
