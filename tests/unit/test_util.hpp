// Helpers shared by the unit tests: fixtures and scratch directories.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "model/incident.hpp"

namespace hungtask::test {

// A victim with only the fields every incident needs.
inline Victim make_victim(int64_t pid, std::string comm) {
    Victim v;
    v.pid = pid;
    v.comm = std::move(comm);
    return v;
}

// Hops in tests are written and read through their JSON form, as a record carries them:
// hop("cpu", true, {...members}) decodes one (hops/hop.hpp), fields(h) is its members
// (everything but "kind" and "verified"), and edit(h)[...] = ... changes a member, the hop
// being decoded again at the end of the statement.
inline Hop hop(const std::string& kind, bool verified, const Json& members) {
    Json j = {{"kind", kind}, {"verified", verified}};
    for (auto it = members.begin(); members.is_object() && it != members.end(); ++it)
        j[it.key()] = it.value();
    return hop_from_json(j);
}

inline Json fields(const Hop& h) {
    Json j = to_json(h);
    j.erase("kind");
    j.erase("verified");
    return j;
}

class HopEdit {
  public:
    explicit HopEdit(Hop& h) : h_(&h), j_(fields(h)) {}
    HopEdit(const HopEdit&) = delete;
    HopEdit& operator=(const HopEdit&) = delete;
    ~HopEdit() { *h_ = hop(h_->kind(), h_->verified, j_); }
    Json& operator[](const std::string& key) { return j_[key]; }
    Json& json() { return j_; }
    void erase(const std::string& key) { j_.erase(key); }

  private:
    Hop* h_;
    Json j_;
};

inline HopEdit edit(Hop& h) {
    return HopEdit(h);
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
