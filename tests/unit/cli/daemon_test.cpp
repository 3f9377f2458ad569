#include "cli/daemon.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <chrono>
#include <filesystem>
#include <sstream>
#include <thread>

#include "model/iso_time.hpp"
#include "store/store.hpp"
#include "test_util.hpp"

namespace hungtask {
namespace {

using test::TempDir;

constexpr const char* kBoot = "6f1d7c3a-1111-4a4a-9b9b-0123456789ab";

// A datagram socket standing in for systemd's notify socket.
class NotifyListener {
  public:
    explicit NotifyListener(const std::string& path) : path_(path) {
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        struct sockaddr_un addr {};
        addr.sun_family = AF_UNIX;
        std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
        EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    }
    ~NotifyListener() { ::close(fd_); }
    std::string receive(int timeout_ms) {
        struct pollfd p = {fd_, POLLIN, 0};
        if (::poll(&p, 1, timeout_ms) != 1)
            return "";
        char buf[256];
        ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        std::string got = n > 0 ? std::string(buf, size_t(n)) : "";
        // [packaging] STATUS= lines (free text for systemctl status) come between the
        // state changes; skip them.
        if (got.starts_with("STATUS="))
            return receive(timeout_ms);
        return got;
    }

  private:
    std::string path_;
    int fd_;
};

class ScopedEnv {
  public:
    ScopedEnv(const char* name, const std::string& value) : name_(name) {
        ::setenv(name, value.c_str(), 1);
    }
    ~ScopedEnv() { ::unsetenv(name_); }

  private:
    const char* name_;
};

void make_host_tree(const TempDir& root) {
    auto put = [&](const std::string& rel, const std::string& data) {
        std::filesystem::create_directories(std::filesystem::path(root / rel).parent_path());
        test::write_file(root / rel, data);
    };
    put("proc/sys/kernel/watchdog", "0\n");
    put("proc/sys/kernel/hung_task_timeout_secs", "5\n");
    put("proc/sys/kernel/hung_task_panic", "0\n");
    put("proc/sys/kernel/softlockup_panic", "0\n");
    put("sys/module/lo_vendor/taint", "O\n");
}

TEST(Daemon, SdNotifySendsThePlainDatagram) {
    TempDir tmp;
    NotifyListener listener(tmp / "notify");
    {
        ScopedEnv env("NOTIFY_SOCKET", tmp / "notify");
        auto r = sd_notify("READY=1");
        ASSERT_TRUE(r) << r.error().to_string();
        EXPECT_TRUE(*r);
        EXPECT_EQ(listener.receive(1000), "READY=1");
    }
    ::unsetenv("NOTIFY_SOCKET");
    auto r = sd_notify("READY=1");
    ASSERT_TRUE(r);
    EXPECT_FALSE(*r) << "nothing to notify without NOTIFY_SOCKET";
    ScopedEnv bad("NOTIFY_SOCKET", "relative/path");
    EXPECT_FALSE(sd_notify("READY=1"));
}

TEST(Daemon, OneshotStoresEveryIncidentWithLiveHostFacts) {
    TempDir tmp, host;
    make_host_tree(host);
    RunOptions o;
    o.state_dir = tmp / "state";
    o.kmsg_path = test::fixture_path("logs/hung-6.1-console.log");
    o.boot_id = kBoot;
    o.oneshot = true;
    o.host_root = host.path();
    std::ostringstream err;
    ASSERT_EQ(run_daemon(o, err), 0) << err.str();
    std::string log = err.str();
    EXPECT_NE(
        log.find(
            "<4>hungtaskd: stored incident 6f1d7c3a-1: unknown; hung_task: acme-sync (pid 123) "
            "blocked for more than 5 s in __flush_work (write)\n"),
        std::string::npos)
        << log;
    EXPECT_NE(
        log.find(
            "<4>hungtaskd: updated incident 6f1d7c3a-1: unknown; hung_task: acme-sync (pid 123) "
            "blocked for more than 10 s in __flush_work (write), reported 2 times\n"),
        std::string::npos)
        << log;
    EXPECT_NE(log.find("stored incident 6f1d7c3a-2: unknown; hung_task: systemd (pid 1)"),
              std::string::npos);

    std::ostringstream slog;
    auto store = Store::open_existing(o.state_dir, slog);
    ASSERT_TRUE(store);
    ASSERT_EQ(store->records().size(), 2u);
    const Incident* in = store->find("6f1d7c3a-1");
    ASSERT_NE(in, nullptr);
    EXPECT_EQ(in->boot_id, kBoot);
    EXPECT_EQ(in->source, "kmsg:" + *o.kmsg_path);
    ASSERT_TRUE(in->detected_at);
    EXPECT_TRUE(normalize_iso8601(*in->detected_at));
    EXPECT_EQ(in->host.out_of_tree_modules, std::vector<std::string>{"lo_vendor"});
    EXPECT_EQ(in->host.softlockup_panic, 0) << "live sysctl";
    EXPECT_EQ(in->host.kernel_release, "6.1.0-56-amd64") << "from the report, not the tree";

    // A restart reads the ring from the start again: nothing is duplicated or logged.
    std::ostringstream err2;
    ASSERT_EQ(run_daemon(o, err2), 0);
    EXPECT_EQ(err2.str().find("stored incident"), std::string::npos) << err2.str();
    auto again = Store::open_existing(o.state_dir, slog);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->records().size(), 2u);
}

TEST(Daemon, BadStateDirOrKmsgIsExitTwo) {
    TempDir tmp;
    std::ostringstream err;
    RunOptions o;
    o.state_dir = tmp / "state";
    o.kmsg_path = tmp / "no-such-kmsg";
    o.oneshot = true;
    EXPECT_EQ(run_daemon(o, err), 2);
    EXPECT_NE(err.str().find("no-such-kmsg: cannot open"), std::string::npos) << err.str();
    test::write_file(tmp / "file", "x");
    o.state_dir = tmp / "file";
    o.kmsg_path = test::fixture_path("logs/hung-6.1-console.log");
    std::ostringstream err2;
    EXPECT_EQ(run_daemon(o, err2), 2);
    EXPECT_NE(err2.str().find("not a directory"), std::string::npos) << err2.str();
}

// The real binary: READY=1, an incident appended to the followed log gets stored while it
// runs, and SIGTERM ends it with status 0.
TEST(Daemon, BinaryFollowsNotifiesAndStopsOnSigterm) {
    TempDir tmp;
    std::string kmsg = tmp / "kmsg";
    test::write_file(kmsg, "6,1,100,-;Linux version 6.12.117+deb12-amd64 (x) #1 SMP\n");
    NotifyListener listener(tmp / "notify");
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        ::setenv("NOTIFY_SOCKET", (tmp / "notify").c_str(), 1);
        int devnull = ::open("/dev/null", O_WRONLY);
        ::dup2(devnull, 2);
        ::execl(HUNGTASK_BINARY, "hungtaskd", "run", "--state-dir", (tmp / "state").c_str(),
                "--kmsg", kmsg.c_str(), "--boot-id", kBoot, static_cast<char*>(nullptr));
        ::_exit(127);
    }
    std::string ready = listener.receive(10000);
    if (ready != "READY=1") {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
        FAIL() << "no READY=1 from hungtaskd, got \"" << ready << "\"";
    }
    std::string report = test::fixture("logs/hung-6.12-kmsg.txt");
    int fd = ::open(kmsg.c_str(), O_WRONLY | O_APPEND);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::write(fd, report.data(), report.size()), ssize_t(report.size()));
    ::close(fd);
    std::string record = tmp / "state/incidents/6f1d7c3a-1.json";
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (!std::filesystem::exists(record) && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_TRUE(std::filesystem::exists(record)) << "stored while running";
    ASSERT_EQ(::kill(pid, SIGTERM), 0);
    // Bounded wait: a daemon that ignores SIGTERM fails the test instead of hanging it.
    int status = 0;
    pid_t got = 0;
    auto stop_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while ((got = ::waitpid(pid, &status, WNOHANG)) == 0 &&
           std::chrono::steady_clock::now() < stop_deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (got == 0) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        FAIL() << "hungtaskd did not stop within 10 s of SIGTERM";
    }
    ASSERT_EQ(got, pid);
    ASSERT_TRUE(WIFEXITED(status)) << "killed by a signal instead of a clean exit";
    EXPECT_EQ(WEXITSTATUS(status), 0);
    EXPECT_EQ(listener.receive(1000), "STOPPING=1");
}

TEST(Daemon, LogLineForPanicTriggerWithoutVictims) {
    Incident in;
    in.id = "noboot-4";
    in.trigger = Trigger::panic;
    in.panicked = true;
    EXPECT_EQ(incident_log_line(in, "stored"),
              "<4>hungtaskd: stored incident noboot-4: unknown; panic, kernel panicked");
}

// journalctl -p err shows an incident with a named culprit; an unknown cause is a warning.
TEST(Daemon, LogLineCarriesVerdictCulpritAndPriority) {
    Incident in;
    in.id = "6f1d7c3a-1";
    in.trigger = Trigger::hung_task;
    Victim v;
    v.pid = 123;
    v.comm = "acme-sync";
    in.victims.push_back(v);
    in.verdict.kind = VerdictKind::runqueue_starvation;
    Culprit c;
    c.comm = "lo_poll";
    c.pid = 96;
    c.function = "lo_poll_fn";
    c.module = "lo_vendor";
    in.verdict.culprit = c;
    EXPECT_EQ(incident_log_line(in, "stored"),
              "<3>hungtaskd: stored incident 6f1d7c3a-1: runqueue_starvation, culprit "
              "lo_poll[96] in lo_poll_fn [lo_vendor]; hung_task: acme-sync (pid 123) blocked");
    in.verdict.kind = VerdictKind::unknown;
    in.verdict.culprit.reset();
    EXPECT_EQ(incident_log_line(in, "updated"),
              "<4>hungtaskd: updated incident 6f1d7c3a-1: unknown; hung_task: acme-sync (pid "
              "123) blocked");
}

}  // namespace
}  // namespace hungtask
