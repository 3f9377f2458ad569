#include "report/html.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "test_util.hpp"

namespace hungtask {
namespace {

size_t count(const std::string& s, const std::string& what) {
    size_t n = 0;
    for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1))
        n++;
    return n;
}

Incident seed() {
    auto incidents =
        incidents_from_text(test::fixture("json/verdict-runqueue_starvation.json"), "fixture");
    EXPECT_TRUE(incidents) << incidents.error().to_string();
    return incidents->front();
}

// The seed look-alike: one victim, three hops, the culprit lo_poll [lo_vendor].
TEST(Html, GraphFromVictimThroughEveryHopToTheCulprit) {
    Incident in = seed();
    std::ostringstream out;
    write_html(out, in);
    std::string h = out.str();
    EXPECT_EQ(count(h, "<g class=\"node "), 1 + in.chain.size() + 1);
    EXPECT_EQ(count(h, "<g class=\"node victim"), 1u);
    EXPECT_EQ(count(h, "<g class=\"node culprit"), 1u);
    EXPECT_NE(h.find("CULPRIT  lo_poll (pid 116) [lo_vendor]"), std::string::npos);
    EXPECT_EQ(count(h, "<g class=\"edge"), in.chain.size() + 1);
    for (const auto& e : in.verdict.evidence)
        EXPECT_NE(h.find(html_escape(e)), std::string::npos) << e;
    EXPECT_NE(h.find("What to do next"), std::string::npos);
}

// Verified and unverified hops look different: solid vs dashed, and the word.
TEST(Html, UnverifiedHopsAreDashedAndSaySo) {
    Incident in = seed();
    ASSERT_GE(in.chain.size(), 2u);
    in.chain[1].verified = false;
    std::ostringstream out;
    write_html(out, in);
    std::string h = out.str();
    EXPECT_EQ(count(h, "<g class=\"node hop unverified\">"), 1u);
    EXPECT_EQ(count(h, "<g class=\"edge unverified\">"), 1u);
    EXPECT_EQ(count(h, "stroke-dasharray"), 2u);  // the node's border and the edge into it
    EXPECT_NE(h.find("[unverified]"), std::string::npos);
    EXPECT_NE(h.find(">unverified</text>"), std::string::npos);
}

// Self-contained: no script, no external resource; text is escaped.
TEST(Html, SelfContainedAndEscaped) {
    Incident in = seed();
    in.victims[0].comm = "<script>x</script>";
    in.verdict.culprit.reset();
    std::ostringstream out;
    write_html(out, in);
    std::string h = out.str();
    EXPECT_EQ(h.find("<script"), std::string::npos);
    EXPECT_NE(h.find("&lt;script&gt;"), std::string::npos);
    std::string no_ns =
        std::regex_replace(h, std::regex("xmlns=\"http://www.w3.org/2000/svg\""), "");
    EXPECT_EQ(no_ns.find("http"), std::string::npos);
    EXPECT_EQ(no_ns.find("url("), no_ns.find("url(#arrow)"));  // only the inline marker
    EXPECT_EQ(count(h, "<g class=\"node no-culprit"), 1u);
    EXPECT_NE(h.find("NO CULPRIT PROVEN"), std::string::npos);
}

}  // namespace
}  // namespace hungtask
