// Helpers shared by the unit tests: fixtures and scratch directories.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "incident.hpp"

namespace hungtask::test {

// A victim with only the fields every incident needs.
inline Victim make_victim(int64_t pid, std::string comm) {
    Victim v;
    v.pid = pid;
    v.comm = std::move(comm);
    return v;
}

inline std::string fixture_path(const std::string& rel) {
    return std::string(HUNGTASK_FIXTURES_DIR) + "/" + rel;
}

inline std::string read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    EXPECT_TRUE(f.good()) << "cannot open " << path;
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

inline std::string fixture(const std::string& rel) {
    return read_file(fixture_path(rel));
}

inline void write_file(const std::string& path, const std::string& data) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << data;
    ASSERT_TRUE(f.good()) << "cannot write " << path;
}

// Compares `actual` with a golden file; HUNGTASK_UPDATE_GOLDEN=1 rewrites the file.
inline void expect_golden(const std::string& rel, const std::string& actual) {
    std::string path = fixture_path(rel);
    if (const char* u = std::getenv("HUNGTASK_UPDATE_GOLDEN"); u && std::string(u) == "1") {
        write_file(path, actual);
        return;
    }
    EXPECT_EQ(read_file(path), actual)
        << "golden " << path << " differs (HUNGTASK_UPDATE_GOLDEN=1 rewrites it)";
}

// A scratch directory removed at the end of the test.
class TempDir {
  public:
    TempDir() {
        std::string tmpl =
            (std::filesystem::temp_directory_path() / "hungtask-test-XXXXXX").string();
        char* p = ::mkdtemp(tmpl.data());
        EXPECT_NE(p, nullptr);
        path_ = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                                     std::filesystem::perm_options::add, ec);
        std::filesystem::remove_all(path_, ec);
    }
    const std::string& path() const { return path_; }
    std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

  private:
    std::string path_;
};

}  // namespace hungtask::test
