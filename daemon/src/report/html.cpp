#include "report/html.hpp"

#include <algorithm>
#include <sstream>
#include <vector>

#include "explain/explain.hpp"

namespace hungtask {

namespace {

constexpr int kNodeWidth = 560;
constexpr int kLineHeight = 16;
constexpr int kGap = 46;         // vertical space between nodes (the edge)
constexpr size_t kColumns = 72;  // characters per line in a node (monospace 12 px)

// Words wrapped at `width` characters; a word longer than a line is not cut.
std::vector<std::string> wrap_words(const std::string& text, size_t width) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    std::string word, line;
    while (in >> word) {
        if (!line.empty() && line.size() + 1 + word.size() > width) {
            lines.push_back(line);
            line.clear();
        }
        line += (line.empty() ? "" : " ") + word;
    }
    if (!line.empty())
        lines.push_back(line);
    return lines;
}

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(' ');
    return b == std::string::npos ? "" : s.substr(b);
}

struct Node {
    std::string role;   // victim | hop | culprit | no-culprit
    std::string title;  // first line, bold
    std::vector<std::string> lines;
    bool dashed = false;  // an unverified hop, and the edge into it
    std::string edge_label;
};

std::string culprit_label(const Culprit& c) {
    std::string s;
    if (c.comm)
        s += *c.comm;
    if (c.pid)
        s += " (pid " + std::to_string(*c.pid) + ")";
    if (c.function && c.function != c.comm)
        s += (s.empty() ? "" : " in ") + *c.function;
    if (c.module)
        s += " [" + *c.module + "]";
    return s.empty() ? "unnamed" : s;
}

Node victim_node(const Victim& v) {
    Node n{"victim", "VICTIM  " + v.comm + " (pid " + std::to_string(v.pid) + ")", {}, false, ""};
    std::string l = "state " + v.state.value_or("?");
    if (v.blocked_s)
        l += ", blocked for more than " + std::to_string(*v.blocked_s) + " s";
    n.lines.push_back(l);
    if (v.syscall)
        n.lines.push_back("in syscall " + *v.syscall);
    if (auto b = blocked_in(v))
        n.lines.push_back("blocked in " + *b);
    return n;
}

Node hop_node(size_t i, const Hop& h) {
    // The report's own words for the hop (render_hop), without its number and header.
    std::ostringstream text;
    render_hop(text, i + 1, h);
    std::istringstream in(text.str());
    std::string line;
    std::vector<std::string> lines;
    while (std::getline(in, line))
        lines.push_back(trim(line));
    Node n{"hop",
           "HOP " + std::to_string(i + 1) + "  " + h.kind(),
           {},
           !h.verified,
           h.verified ? "verified" : "unverified"};
    n.title += h.verified ? "  (verified)" : "  [unverified]";
    if (!lines.empty()) {
        std::string first = lines[0];
        size_t colon = first.find(": ");
        first = colon == std::string::npos ? "" : first.substr(colon + 2);
        if (!first.empty())
            for (auto& w : wrap_words(first, kColumns))
                n.lines.push_back(w);
        for (size_t k = 1; k < lines.size(); k++)
            for (auto& w : wrap_words(lines[k], kColumns))
                n.lines.push_back(w);
    }
    if (n.lines.size() > 10) {
        n.lines.resize(10);
        n.lines.back() = "...";
    }
    return n;
}

int node_height(const Node& n) {
    return 14 + kLineHeight * int(1 + n.lines.size()) + 4;
}

void svg_node(std::ostream& out, const Node& n, int x, int y, int w) {
    int h = node_height(n);
    out << "<g class=\"node " << n.role << (n.dashed ? " unverified" : "") << "\">\n";
    out << "<rect x=\"" << x << "\" y=\"" << y << "\" width=\"" << w << "\" height=\"" << h
        << "\" rx=\"6\"" << (n.dashed ? " stroke-dasharray=\"7 5\"" : "") << "/>\n";
    out << "<text x=\"" << x + 10 << "\" y=\"" << y + 20 << "\"><tspan class=\"title\">"
        << html_escape(n.title) << "</tspan>";
    for (const auto& line : n.lines)
        out << "<tspan x=\"" << x + 10 << "\" dy=\"" << kLineHeight << "\">"
            << html_escape(line) << "</tspan>";
    out << "</text>\n</g>\n";
}

void svg_edge(std::ostream& out, int x, int y1, int y2, bool dashed, const std::string& label) {
    out << "<g class=\"edge" << (dashed ? " unverified" : " verified") << "\">";
    out << "<line x1=\"" << x << "\" y1=\"" << y1 << "\" x2=\"" << x << "\" y2=\"" << y2 - 2
        << "\" marker-end=\"url(#arrow)\"" << (dashed ? " stroke-dasharray=\"7 5\"" : "") << "/>";
    if (!label.empty())
        out << "<text class=\"edge-label\" x=\"" << x + 10 << "\" y=\"" << (y1 + y2) / 2 + 4
            << "\">" << html_escape(label) << "</text>";
    out << "</g>\n";
}

void list(std::ostream& out, const char* tag, const std::vector<std::string>& items) {
    out << "<" << tag << ">\n";
    for (const auto& s : items)
        out << "<li>" << html_escape(s) << "</li>\n";
    out << "</" << tag << ">\n";
}

}  // namespace

std::string html_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out.push_back(c);
        }
    }
    return sanitize_utf8(out);
}

void write_html(std::ostream& out, const Incident& in) {
    // Layout: victims side by side on the first row, then one row per hop, then the
    // culprit, joined by edges.
    std::vector<Node> victims;
    for (const auto& v : in.victims)
        victims.push_back(victim_node(v));
    if (victims.empty())
        victims.push_back(Node{"victim", "VICTIM  unknown", {"no victim recorded"}, false, ""});
    std::vector<Node> rows;
    for (size_t i = 0; i < in.chain.size(); i++)
        rows.push_back(hop_node(i, in.chain[i]));
    if (in.verdict.culprit) {
        Node c{"culprit", "CULPRIT  " + culprit_label(*in.verdict.culprit), {}, false, ""};
        c.lines.push_back("verdict: " + verdict_kind_display(in.verdict));
        rows.push_back(c);
    } else {
        rows.push_back(Node{"no-culprit",
                            "NO CULPRIT PROVEN",
                            {"verdict: " + verdict_kind_display(in.verdict),
                             "no link to a cause could be proven from the captured facts"},
                            true,
                            ""});
    }

    const int margin = 20;
    const int total_w = kNodeWidth + 2 * margin;
    const int vw = (kNodeWidth - 12 * int(victims.size() - 1)) / int(victims.size());
    int vh = 0;
    for (const auto& v : victims)
        vh = std::max(vh, node_height(v));
    int height = margin + vh;
    for (const auto& r : rows)
        height += kGap + node_height(r);
    height += margin;

    out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        << "<title>hungtask incident " << html_escape(in.id) << "</title>\n"
        << "<style>\n"
           "body{font-family:sans-serif;margin:16px;color:#1d1d1f;background:#fff}\n"
           "h1{font-size:20px;margin:0 0 4px}\n.sub{color:#555;margin:0 0 12px}\n"
           ".page{display:flex;gap:24px;align-items:flex-start}\n"
           ".side{flex:1 1 380px;min-width:0;max-width:640px;font-size:14px;line-height:1.4}\n"
           ".side h2{font-size:16px;margin:14px 0 4px}\n"
           "svg text{font-family:monospace;font-size:12px;fill:#1d1d1f}\n"
           "svg .title{font-weight:bold}\n"
           ".node rect{fill:#f4f6fa;stroke:#4a5a78;stroke-width:1.5}\n"
           ".node.victim rect{fill:#fff6e0;stroke:#a0700a}\n"
           ".node.unverified rect{fill:#fafafa;stroke:#888}\n"
           ".node.culprit rect{fill:#fde8e8;stroke:#c0161b;stroke-width:3}\n"
           ".node.culprit .title{fill:#c0161b}\n"
           ".node.no-culprit rect{fill:#f2f2f2;stroke:#888}\n"
           ".edge line{stroke:#4a5a78;stroke-width:2}\n.edge.unverified line{stroke:#888}\n"
           ".edge-label{font-style:italic;fill:#555}\n"
           ".legend{font-size:12px;color:#555}\n"
           "</style>\n</head>\n<body>\n";
    out << "<h1>Incident " << html_escape(in.id) << ": "
        << html_escape(verdict_kind_display(in.verdict)) << "</h1>\n";
    out << "<p class=\"sub\">" << html_escape(trigger_display(in)) << ", detected "
        << html_escape(in.detected_at.value_or("at an unknown time")) << ", boot "
        << html_escape(in.boot_id.value_or("unknown")) << "</p>\n";
    out << "<div class=\"page\">\n<div class=\"graph\">\n";
    out << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << total_w << "\" height=\""
        << height << "\" viewBox=\"0 0 " << total_w << " " << height << "\" role=\"img\">\n";
    out << "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
           "markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" "
           "fill=\"#4a5a78\"/></marker></defs>\n";
    int y = margin;
    const int cx = margin + kNodeWidth / 2;
    for (size_t i = 0; i < victims.size(); i++) {
        int x = margin + int(i) * (vw + 12);
        svg_node(out, victims[i], x, y, vw);
        if (victims.size() > 1)  // every victim joins the first hop
            svg_edge(out, x + vw / 2, y + node_height(victims[i]), y + vh + kGap,
                     !rows.empty() && rows[0].dashed, "");
    }
    y += vh;
    for (size_t r = 0; r < rows.size(); r++) {
        if (victims.size() == 1 || r > 0)
            svg_edge(out, cx, y, y + kGap, rows[r].dashed, rows[r].edge_label);
        y += kGap;
        svg_node(out, rows[r], margin, y, kNodeWidth);
        y += node_height(rows[r]);
    }
    out << "</svg>\n";
    out << "<p class=\"legend\">Solid: a verified hop (checked against the kernel's own data). "
           "Dashed: unverified (a best effort). Red: the culprit.</p>\n";
    out << "</div>\n<div class=\"side\">\n";
    out << "<h2>Verdict</h2>\n<p>" << html_escape(in.verdict.summary) << "</p>\n";
    if (in.verdict.confidence || in.verdict.confidence_name)
        out << "<p>Confidence: "
            << html_escape(in.verdict.confidence_name
                               ? *in.verdict.confidence_name
                               : std::string(to_string(*in.verdict.confidence)))
            << "</p>\n";
    if (!in.related.empty()) {
        std::string ids;
        for (const auto& r : in.related)
            ids += (ids.empty() ? "" : ", ") + r;
        out << "<p class=\"related\">Same root cause as incident " << html_escape(ids) << ".</p>\n";
    }
    if (!in.verdict.evidence.empty()) {
        out << "<h2>Evidence</h2>\n";
        list(out, "ul", in.verdict.evidence);
    }
    auto implications = host_implications(in.host);
    if (!implications.empty()) {
        out << "<h2>What the host context implies</h2>\n";
        list(out, "ul", implications);
    }
    if (!in.verdict.next_steps.empty()) {
        out << "<h2>What to do next</h2>\n";
        list(out, "ol", in.verdict.next_steps);
    }
    out << "<h2>Host</h2>\n<p>" << html_escape(in.host.kernel_release.value_or("kernel unknown"))
        << ", preemption " << html_escape(in.host.preemption.value_or("unknown")) << "</p>\n";
    out << "</div>\n</div>\n</body>\n</html>\n";
}

}  // namespace hungtask
