#include "sources/kmsg_source.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <sstream>

#include "test_util.hpp"

namespace hungtask {
namespace {

using test::TempDir;

TEST(KmsgSource, ReadsARegularFileIncrementallyLikeTailF) {
    TempDir tmp;
    std::string path = tmp / "kmsg";
    std::string text = test::fixture("logs/hung-6.12-kmsg.txt");
    size_t half = text.find(" </TASK>") - 20;  // stop inside the first report's last frame
    test::write_file(path, text.substr(0, half));
    std::ostringstream log;
    auto src = KmsgSource::open(path, LogContext{"kmsg", std::nullopt}, log);
    ASSERT_TRUE(src) << src.error().to_string();
    EXPECT_TRUE((*src)->is_regular_file());
    auto got = (*src)->read_available();
    ASSERT_TRUE(got);
    EXPECT_TRUE(got->empty());
    EXPECT_TRUE((*src)->at_end());
    EXPECT_TRUE((*src)->report_pending());

    // The writer appends the rest: the split line is joined, the report completes.
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::write(fd, text.data() + half, text.size() - half), ssize_t(text.size() - half));
    ::close(fd);
    got = (*src)->read_available();
    ASSERT_TRUE(got);
    ASSERT_EQ(got->size(), 2u) << "first report, then its re-report";
    EXPECT_EQ((*got)[0].victims[0].stack.size(), 10u);
    EXPECT_EQ((*got)[1].repeats, 2);
    EXPECT_EQ((*src)->overruns(), 0u);
}

TEST(KmsgSource, IdleFlushCompletesAReportWithoutEndMarker) {
    TempDir tmp;
    std::string path = tmp / "kmsg";
    test::write_file(path,
                     "3,1,5000000,-;INFO: task dd:77 blocked for more than 5 seconds.\n"
                     "6,2,5000100,-; io_schedule+0x46/0x70");
    std::ostringstream log;
    auto src = KmsgSource::open(path, LogContext{"kmsg", std::nullopt}, log);
    ASSERT_TRUE(src);
    auto got = (*src)->read_available();
    ASSERT_TRUE(got);
    EXPECT_TRUE(got->empty());
    auto idle = (*src)->on_idle();
    ASSERT_EQ(idle.size(), 1u);
    EXPECT_EQ(idle[0].victims[0].stack, std::vector<std::string>{"io_schedule+0x46/0x70"})
        << "the unterminated last line is taken at idle";
}

TEST(KmsgSource, MissingPathIsAnError) {
    std::ostringstream log;
    auto src = KmsgSource::open("/nonexistent/kmsg", LogContext{"kmsg", std::nullopt}, log);
    ASSERT_FALSE(src);
    EXPECT_EQ(src.error().where, "/nonexistent/kmsg");
}

TEST(KmsgSource, RealDevKmsgReadsWithoutError) {
    std::ostringstream log;
    auto src = KmsgSource::open("/dev/kmsg", LogContext{"kmsg", std::nullopt}, log);
    if (!src)
        GTEST_SKIP() << "no readable /dev/kmsg here: " << src.error().to_string();
    EXPECT_FALSE((*src)->is_regular_file());
    auto got = (*src)->read_available();
    ASSERT_TRUE(got) << got.error().to_string();
    EXPECT_TRUE((*src)->at_end()) << "EAGAIN once the ring is read";
}

}  // namespace
}  // namespace hungtask
