// A picture of the chain: one self-contained HTML page (inline CSS and SVG; no script, no
// network resource) for one incident.  The graph runs from the victims through every hop
// to the culprit; the culprit is marked; a verified hop has a solid border and edge, an
// unverified one a dashed border and edge and the word "unverified"; the verdict, the
// evidence and the next steps sit beside the graph.
//
// Every node is an SVG <g class="node ROLE"> (ROLE: victim, hop, culprit or no-culprit),
// so that a test counts them in the rendered page.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "model/incident.hpp"

namespace hungtask {

void write_html(std::ostream& out, const Incident& incident);

// Text for HTML and SVG: & < > " ' escaped.
std::string html_escape(std::string_view s);

}  // namespace hungtask
