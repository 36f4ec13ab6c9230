#include "http_server/router.h"

#include <algorithm>
#include <optional>
#include <set>

#include "common/errors.h"

namespace otter::http {
namespace {

using Kind = PatternSegment::Kind;
using Candidate = std::pair<const Route*, Fields>;

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  path.remove_prefix(1);  // the leading '/'
  for (;;) {
    const auto slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) return segments;
    path.remove_prefix(slash + 1);
  }
}

Error InvalidPattern(std::string_view pattern, std::string_view why) {
  return MakeError(CommonErrc::kInvalidArgument,
                   "route pattern \"" + std::string(pattern) + "\": " + std::string(why));
}

PatternSegment ToSegment(std::string_view text) {
  if (!text.starts_with('{') || !text.ends_with('}')) {
    return {Kind::kLiteral, std::string(text)};
  }
  text = text.substr(1, text.size() - 2);
  if (text.ends_with("...")) return {Kind::kRest, std::string(text.substr(0, text.size() - 3))};
  return {Kind::kParam, std::string(text)};
}

Status CheckSegment(const PatternSegment& segment, bool last, std::set<std::string>& names) {
  if (segment.kind == Kind::kLiteral) {
    if (segment.text.find_first_of("{}") == std::string::npos) return Ok();
    return MakeError(CommonErrc::kInvalidArgument, "stray brace in \"" + segment.text + "\"");
  }
  if (segment.text.empty() || segment.text.find_first_of("{}./") != std::string::npos) {
    return MakeError(CommonErrc::kInvalidArgument, "bad parameter name \"" + segment.text + "\"");
  }
  if (segment.kind == Kind::kRest && !last) {
    return MakeError(CommonErrc::kInvalidArgument, "{" + segment.text + "...} is not last");
  }
  if (names.insert(segment.text).second) return Ok();
  return MakeError(CommonErrc::kInvalidArgument, "parameter {" + segment.text + "} repeats");
}

Result<std::vector<PatternSegment>> ParsePattern(std::string_view pattern) {
  if (!pattern.starts_with('/')) return InvalidPattern(pattern, "does not start with '/'");
  std::vector<PatternSegment> segments;
  std::set<std::string> names;
  const std::vector<std::string_view> parts = SplitPath(pattern);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    segments.push_back(ToSegment(parts[i]));
    Status checked = CheckSegment(segments.back(), i + 1 == parts.size(), names);
    if (!checked) return InvalidPattern(pattern, checked.error().message());
  }
  return segments;
}

std::string JoinFrom(const std::vector<std::string_view>& segments, std::size_t first) {
  std::string joined;
  for (std::size_t i = first; i < segments.size(); ++i) {
    if (i > first) joined.push_back('/');
    joined.append(segments[i]);
  }
  return joined;
}

bool SegmentMatches(const PatternSegment& segment, std::string_view value) {
  return segment.kind == Kind::kLiteral ? value == segment.text : !value.empty();
}

std::optional<Fields> MatchPattern(const std::vector<PatternSegment>& pattern,
                                   const std::vector<std::string_view>& segments) {
  Fields params;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const PatternSegment& segment = pattern[i];
    if (segment.kind == Kind::kRest) {
      params[segment.text] = JoinFrom(segments, i);
      return params;
    }
    if (i >= segments.size() || !SegmentMatches(segment, segments[i])) return std::nullopt;
    if (segment.kind == Kind::kParam) params[segment.text] = std::string(segments[i]);
  }
  if (segments.size() != pattern.size()) return std::nullopt;
  return params;
}

// Whether `a` is more specific than `b`: literal before {name} before {name...}.
bool MoreSpecific(const Route& a, const Route& b) {
  return std::lexicographical_compare(
      a.pattern.begin(), a.pattern.end(), b.pattern.begin(), b.pattern.end(),
      [](const PatternSegment& x, const PatternSegment& y) { return x.kind < y.kind; });
}

// The most specific candidate for `method`; the first added on a tie.
const Candidate* Best(const std::vector<Candidate>& candidates, std::string_view method) {
  const Candidate* best = nullptr;
  for (const Candidate& candidate : candidates) {
    if (candidate.first->method != method) continue;
    if (best == nullptr || MoreSpecific(*candidate.first, *best->first)) best = &candidate;
  }
  return best;
}

std::string AllowedMethods(const std::vector<Candidate>& candidates) {
  std::set<std::string> methods;
  for (const Candidate& candidate : candidates) methods.insert(candidate.first->method);
  if (methods.contains("GET")) methods.insert("HEAD");
  std::string allow;
  for (const std::string& method : methods) allow += (allow.empty() ? "" : ", ") + method;
  return allow;
}

}  // namespace

void Router::Add(std::string_view method, std::string_view pattern, Handler handler,
                 RouteOptions options) {
  AddRoute(method, pattern, std::move(handler), options);
}

void Router::AddStreamed(std::string_view method, std::string_view pattern, StreamOpener opener,
                         std::uint64_t max_body_bytes) {
  AddRoute(method, pattern, std::move(opener), RouteOptions{.max_body_bytes = max_body_bytes});
}

void Router::AddRoute(std::string_view method, std::string_view pattern,
                      std::variant<Handler, StreamOpener> action, RouteOptions options) {
  Result<std::vector<PatternSegment>> segments = ParsePattern(pattern);
  if (!segments) {
    if (status_.ok()) status_ = std::move(segments).error();
    return;
  }
  routes_.push_back(Route{.method = std::string(method),
                          .pattern = std::move(segments).value(),
                          .action = std::move(action),
                          .options = options});
}

RouteMatch Router::Find(std::string_view method, std::string_view path) const {
  if (!path.starts_with('/')) return RouteMatch{};
  const std::vector<std::string_view> segments = SplitPath(path);
  std::vector<Candidate> candidates;
  for (const Route& route : routes_) {
    std::optional<Fields> params = MatchPattern(route.pattern, segments);
    if (params) candidates.emplace_back(&route, std::move(*params));
  }
  const Candidate* best = Best(candidates, method);
  if (best == nullptr && method == "HEAD") best = Best(candidates, "GET");
  RouteMatch match;
  if (best != nullptr) {
    match.route = best->first;
    match.params = best->second;
  } else if (!candidates.empty()) {
    match.status = 405;
    match.allow = AllowedMethods(candidates);
  }
  return match;
}

}  // namespace otter::http
